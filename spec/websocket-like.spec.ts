import { WebSocket as MockWebSocket } from 'mock-socket';
import { WebSocket as WsWebSocket } from 'ws';
import { ReactiveWebSocket, type WebSocketConstructor } from '../lib/index.js';

describe('WebSocketCtor', () => {
  it("accepts ws's and mock-socket's WebSocket without a cast", () => {
    // This is a compile-time check as much as a runtime one: `npm run typecheck` fails if either stops fitting.
    const ctors: WebSocketConstructor[] = [WsWebSocket, MockWebSocket];
    for (const WebSocketCtor of ctors) {
      const socket = new ReactiveWebSocket({ url: 'ws://127.0.0.1:9/', WebSocketCtor, lazy: true });
      expect(socket.state).toBe('closed');
    }
  });
});
