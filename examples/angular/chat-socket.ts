// An Angular service holding one shared ReactiveWebSocket for the whole app. Components inject it
// and read its signals; the connection closes when the app (its injector) is destroyed.
//
//   bootstrapApplication(AppComponent, { providers: [provideChatSocket('/chat')] });
//
//   @Component({ template: `<p>{{ chat.state() }}</p> @for (m of chat.messages(); track $index) { <p>{{ m.text }}</p> }` })
//   class ChatComponent { readonly chat = inject(ChatSocket); }
import { DestroyRef, InjectionToken, inject, type Provider, type Signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { scan } from 'rxjs';
import { ReactiveWebSocket, jsonDeserializer, jsonSerializer, type SocketState, type WebSocketConstructor } from 'reactive-websocket';

/** A chat message, as the server sends and receives it. */
export interface ChatMessage {
  readonly user: string;
  readonly text: string;
}

/** Where the chat socket connects, and (on Node before 22, or in tests) which WebSocket to use. */
export interface ChatSocketConfig {
  readonly url: string;
  readonly WebSocketCtor?: WebSocketConstructor;
}

export const CHAT_SOCKET_CONFIG = new InjectionToken<ChatSocketConfig>('ChatSocketConfig');

/** The app's one chat connection. Create it through {@link provideChatSocket}. */
export class ChatSocket {
  private readonly socket: ReactiveWebSocket<ChatMessage, ChatMessage>;
  /** The connection state, for templates: 'connecting', 'open', 'reconnecting', … */
  readonly state: Signal<SocketState>;
  /** Every message received so far, oldest first. */
  readonly messages: Signal<readonly ChatMessage[]>;

  constructor() {
    const { url, WebSocketCtor } = inject(CHAT_SOCKET_CONFIG);
    this.socket = new ReactiveWebSocket<ChatMessage, ChatMessage>({
      url,
      WebSocketCtor,
      serializer: jsonSerializer,
      deserializer: jsonDeserializer,
    });
    // state$ replays the current state at once, so the signal never needs an initial value.
    this.state = toSignal(this.socket.state$, { requireSync: true });
    this.messages = toSignal(this.socket.messages$.pipe(scan((all, message) => [...all, message], [] as ChatMessage[])), {
      initialValue: [],
    });
    inject(DestroyRef).onDestroy(() => this.socket.close());
  }

  /** Sends a message; queued while the connection is down. */
  send(message: ChatMessage): void {
    this.socket.send(message);
  }
}

/** Providers for an app (or a test injector): the config and the shared {@link ChatSocket}. */
export function provideChatSocket(config: ChatSocketConfig): Provider[] {
  return [
    { provide: CHAT_SOCKET_CONFIG, useValue: config },
    { provide: ChatSocket, useFactory: () => new ChatSocket() },
  ];
}
