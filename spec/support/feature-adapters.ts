/**
 * The two public ways to a resilient socket behind one small interface, so that one spec checks
 * a feature against both: `new ReactiveWebSocket(…)` and the drop-in `webSocket(resilient(…))`.
 * Both are made from the same settings, speak JSON, and record what a spec asserts on. Nothing
 * here waits or keeps a timer, so the same adapters serve real servers and fake timers.
 */
import type { Observable } from 'rxjs';
import {
  ReactiveWebSocket,
  jsonDeserializer,
  jsonSerializer,
  type BufferConfig,
  type DeliveryConfig,
  type HeartbeatConfig,
  type ReconnectConfig,
  type ReconnectEvent,
  type RequestOptions,
  type WebSocketConstructor,
} from '../../lib/index.js';
import { resilient, webSocket } from '../../lib/rxjs.js';

/** The settings both APIs take under the same names. `reconnect` is always given: the two default it differently. */
export interface FeatureConfig<In, Out> {
  readonly url: string;
  readonly WebSocketCtor: WebSocketConstructor;
  readonly reconnect: ReconnectConfig | false;
  readonly heartbeat?: HeartbeatConfig<In, Out>;
  readonly buffer?: BufferConfig;
  readonly delivery?: DeliveryConfig<In, Out>;
  readonly connectTimeout?: number;
}

/** A close as a user is told of it (`close$`, `closeObserver`), and when it was told. */
export interface SeenClose {
  readonly code: number | undefined;
  readonly reason: string | undefined;
  readonly wasClean: boolean | undefined;
  /** `Date.now()` when it was reported. */
  readonly at: number;
}

/** One socket of either API, with everything it reported so far. */
export interface FeatureSocket<In, Out> {
  /** Connections that opened. */
  readonly opens: number;
  /** Decoded messages, as subscribers got them. */
  readonly messages: In[];
  /** Every close, also those a reconnect followed. */
  readonly closes: SeenClose[];
  /** Every reconnect scheduled (`reconnect$`, `reconnectObserver`). */
  readonly reconnects: ReconnectEvent[];
  /** What the outbox dropped (`dropped$`, `droppedObserver`). */
  readonly dropped: Out[];
  /** Errors as the API reports them: every one on `error$`; the one a subject's subscribers end with. */
  readonly errors: unknown[];
  /** Whether it has ended for good: `state$` completed; the subject's subscribers completed or errored. */
  readonly ended: boolean;
  /** How many closes had been told when it ended. */
  readonly closesWhenEnded: number | undefined;
  /** `send()` / `next()`. */
  send(value: Out): void;
  /** `request()`, on either. */
  request(message: Out, options: RequestOptions<In>): Observable<In>;
  /** Ends it as a user does: `close()` / `unsubscribe()`. The end follows once the close completes. */
  stop(): void;
}

/** How to make a {@link FeatureSocket} of one API. */
export interface FeatureAdapter {
  /** The API's name, for test titles. */
  readonly api: string;
  /** Makes a socket and starts connecting (a subject is subscribed to at once). */
  make<In, Out>(config: FeatureConfig<In, Out>): FeatureSocket<In, Out>;
}

/** What both adapters record into. */
function recorder<In, Out>() {
  return {
    opens: 0,
    messages: [] as In[],
    closes: [] as SeenClose[],
    reconnects: [] as ReconnectEvent[],
    dropped: [] as Out[],
    errors: [] as unknown[],
    ended: false,
    closesWhenEnded: undefined as number | undefined,
    end(): void {
      this.ended = true;
      this.closesWhenEnded = this.closes.length;
    },
    recordClose(event: { code?: number; reason?: string; wasClean?: boolean }): void {
      this.closes.push({ code: event.code, reason: event.reason, wasClean: event.wasClean, at: Date.now() });
    },
  };
}

/** `new ReactiveWebSocket(…)` with `jsonSerializer` and `jsonDeserializer`. */
export const reactiveWebSocketAdapter: FeatureAdapter = {
  api: 'ReactiveWebSocket',
  make<In, Out>(config: FeatureConfig<In, Out>): FeatureSocket<In, Out> {
    const seen = recorder<In, Out>();
    const socket = new ReactiveWebSocket<In, Out>({ ...config, serializer: jsonSerializer, deserializer: jsonDeserializer });
    socket.open$.subscribe(() => seen.opens++);
    socket.messages$.subscribe((message) => seen.messages.push(message));
    socket.close$.subscribe((event) => seen.recordClose(event));
    socket.reconnect$.subscribe((event) => seen.reconnects.push(event));
    socket.dropped$.subscribe((value) => seen.dropped.push(value));
    socket.error$.subscribe((event) => seen.errors.push(event.error));
    socket.state$.subscribe({ complete: () => seen.end() });
    return Object.assign(seen, {
      send: (value: Out) => socket.send(value),
      request: (message: Out, options: RequestOptions<In>) => socket.request(message, options),
      stop: () => void socket.close(),
    });
  },
};

/** `webSocket(resilient(…))`, JSON being its default, with one subscriber from the start. */
export const resilientSubjectAdapter: FeatureAdapter = {
  api: 'webSocket(resilient())',
  make<In, Out>(config: FeatureConfig<In, Out>): FeatureSocket<In, Out> {
    const seen = recorder<In, Out>();
    const subject = webSocket<In, Out>(
      resilient<In, Out>({
        ...config,
        openObserver: { next: () => seen.opens++ },
        closeObserver: { next: (event) => seen.recordClose(event) },
        reconnectObserver: { next: (event) => seen.reconnects.push(event) },
        droppedObserver: { next: (value) => seen.dropped.push(value) },
      }),
    );
    subject.subscribe({
      next: (message) => seen.messages.push(message),
      error: (error: unknown) => {
        seen.errors.push(error);
        seen.end();
      },
      complete: () => seen.end(),
    });
    return Object.assign(seen, {
      send: (value: Out) => subject.next(value),
      request: (message: Out, options: RequestOptions<In>) => subject.request(message, options),
      stop: () => subject.unsubscribe(),
    });
  },
};

/** Both APIs, for `describe.each`. */
export const FEATURE_ADAPTERS: readonly FeatureAdapter[] = [reactiveWebSocketAdapter, resilientSubjectAdapter];
