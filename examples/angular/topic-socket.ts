// An Angular service sharing one socket between components, each component following one topic
// of it through multiplex(). It uses the RxJS webSocket drop-in; resilient() makes the socket
// reconnect by itself, and every topic a component still follows is subscribed again on the new
// connection, so components notice nothing but a short gap.
//
//   bootstrapApplication(AppComponent, { providers: [provideTopicSocket({ url: '/topics' })] });
//
//   @Component({ selector: 'app-prices', template: `<p>{{ latest()?.n }}</p>` })
//   class PricesComponent { readonly latest = injectTopic('prices'); }
//
//   @Component({ selector: 'app-news', template: `<p>{{ latest()?.n }}</p>` })
//   class NewsComponent { readonly latest = injectTopic('news'); }
//
// Each component subscribes to its topic on the server when created and unsubscribes when
// destroyed; the socket opens with the first and closes after the last (or with the app).
import { DestroyRef, InjectionToken, inject, type Provider, type Signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import type { Observable } from 'rxjs';
import { resilient, webSocket, type ReconnectConfig, type WebSocketConstructor, type WebSocketSubject } from 'reactive-websocket/rxjs';

/** What the server sends on a topic. */
export interface TopicUpdate {
  readonly topic: string;
  readonly n: number;
}

/** What the client sends to follow a topic, and to stop. */
export type TopicCommand = { readonly sub: string } | { readonly unsub: string };

/** Where the socket connects, and (on Node before 22, or in tests) which WebSocket to use. */
export interface TopicSocketConfig {
  readonly url: string;
  readonly WebSocketCtor?: WebSocketConstructor;
  /** The reconnect policy; default: reconnect with the library's backoff. */
  readonly reconnect?: true | ReconnectConfig;
}

export const TOPIC_SOCKET_CONFIG = new InjectionToken<TopicSocketConfig>('TopicSocketConfig');

/** The app's one topic connection. Create it through {@link provideTopicSocket}. */
export class TopicSocket {
  private readonly subject: WebSocketSubject<TopicUpdate, TopicCommand>;

  constructor() {
    const { url, WebSocketCtor, reconnect = true } = inject(TOPIC_SOCKET_CONFIG);
    this.subject = webSocket<TopicUpdate, TopicCommand>(resilient({ url, WebSocketCtor, reconnect }));
    inject(DestroyRef).onDestroy(() => this.subject.unsubscribe());
  }

  /** The updates of one topic: followed on the server while subscribed, and again after every reconnect. */
  topic(name: string): Observable<TopicUpdate> {
    return this.subject.multiplex(
      () => ({ sub: name }),
      () => ({ unsub: name }),
      (update) => update.topic === name,
    );
  }
}

/** Providers for an app (or a test injector): the config and the shared {@link TopicSocket}. */
export function provideTopicSocket(config: TopicSocketConfig): Provider[] {
  return [
    { provide: TOPIC_SOCKET_CONFIG, useValue: config },
    { provide: TopicSocket, useFactory: () => new TopicSocket() },
  ];
}

/**
 * A component's view of one topic: the latest update as a signal (`undefined` until the first).
 * Call it in an injection context, such as a component's field initialiser; the topic is followed
 * for as long as the component lives.
 */
export function injectTopic(name: string): Signal<TopicUpdate | undefined> {
  return toSignal(inject(TopicSocket).topic(name));
}
