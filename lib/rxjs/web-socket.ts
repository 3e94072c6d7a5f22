import type { WebSocketSubjectConfig } from './config.js';
import { WebSocketSubject } from './web-socket-subject.js';

/**
 * A WebSocket as an RxJS subject: the drop-in for RxJS 7's `webSocket` from `rxjs/webSocket`,
 * which RxJS 9 removes. Only the import changes.
 *
 * Nothing connects until the first subscription; see {@link WebSocketSubject} for the contract.
 * Wrap the config in `resilient()` for reconnect, heartbeat, a bounded outbox and delivery.
 *
 * @typeParam In - the type of decoded incoming messages.
 * @typeParam Out - the type of outgoing values before encoding (default: `In`).
 * @param urlOrConfig - the URL (passed to the constructor as given), or a {@link WebSocketSubjectConfig}.
 * @throws TypeError for `reconnect`, `connectTimeout`, `heartbeat`, `buffer` or `delivery` given without `resilient()`.
 * @throws NotImplementedError when no `WebSocketCtor` is given and the runtime has no `WebSocket`.
 *
 * @example
 * import { webSocket } from 'reactive-websocket/rxjs'; // was: from 'rxjs/webSocket'
 *
 * const subject = webSocket<Quote, Command>('wss://example.test/quotes');
 * subject.subscribe((quote) => console.log(quote));
 * subject.next({ op: 'hello' }); // sent once the socket opens
 */
export function webSocket<In, Out = In>(urlOrConfig: string | URL | WebSocketSubjectConfig<In, Out>): WebSocketSubject<In, Out> {
  return new WebSocketSubject<In, Out>(urlOrConfig);
}
