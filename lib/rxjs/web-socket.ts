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
 * ```ts
 * import { webSocket } from 'reactive-websocket/rxjs'; // was: from 'rxjs/webSocket'
 *
 * interface Quote {
 *   readonly symbol: string;
 *   readonly price: number;
 * }
 * interface Command {
 *   readonly op: 'follow';
 *   readonly symbol: string;
 * }
 *
 * const subject = webSocket<Quote, Command>('ws://127.0.0.1:8080/quotes');
 * subject.subscribe((quote) => console.log(quote.symbol, quote.price));
 * subject.next({ op: 'follow', symbol: 'ACME' }); // sent once the socket opens
 * ```
 */
export function webSocket<In, Out = In>(urlOrConfig: string | URL | WebSocketSubjectConfig<In, Out>): WebSocketSubject<In, Out> {
  return new WebSocketSubject<In, Out>(urlOrConfig);
}
