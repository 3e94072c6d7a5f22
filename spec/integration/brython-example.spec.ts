/**
 * The example of Brython's `websocket` module, transcribed to TypeScript: three buttons (open,
 * send, close) enabled and disabled as the example does, a text field, and the messages the
 * example shows with alert() collected in a log instead. It runs against a real echo server.
 */
import { supported, websocket, type CallbackWebSocket } from '../../lib/index.js';
import { WebSocketCtor } from '../support/client-websocket.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { deferred, until } from '../support/wait.js';

class ExamplePage {
  readonly buttons = { open: { disabled: false }, send: { disabled: true }, close: { disabled: true } };
  data = '';
  readonly log: string[] = [];
  private ws: CallbackWebSocket<string, string> | undefined;

  constructor(private readonly host: string) {}

  onOpen = (): void => {
    this.buttons.send.disabled = false;
    this.buttons.close.disabled = false;
    this.buttons.open.disabled = true;
  };

  onMessage = (event: { data: string }): void => {
    this.log.push(`Message received : ${event.data}`);
  };

  onClose = (): void => {
    this.log.push('Connection is closed');
    this.buttons.open.disabled = false;
    this.buttons.close.disabled = true;
    this.buttons.send.disabled = true;
  };

  open(): void {
    // The example passes the constructor the specs run on (ws's on Node before 22, as a Node user
    // would), and asks supported() about it, as the example asks websocket.supported.
    if (!supported(WebSocketCtor)) {
      this.log.push('WebSocket is not supported by your browser');
      return;
    }
    this.ws = websocket<string, string>(this.host, { WebSocketCtor });
    this.ws.bind('open', this.onOpen);
    this.ws.bind('message', this.onMessage);
    this.ws.bind('close', this.onClose);
  }

  send(): void {
    if (this.data) this.ws!.send(this.data);
  }

  closeConnection(): void {
    this.ws!.close();
    this.buttons.open.disabled = false;
  }
}

let echo: EchoServer;
beforeEach(async () => {
  echo = await startEchoServer();
});
afterEach(async () => {
  await echo.close();
});

it('runs the Brython websocket example: open, send, receive the echo, close', async () => {
  const page = new ExamplePage(echo.url);
  expect(page.buttons).toEqual({ open: { disabled: false }, send: { disabled: true }, close: { disabled: true } });

  page.open();
  await until(() => !page.buttons.send.disabled, 5000, 'the open handler');
  expect(page.buttons).toEqual({ open: { disabled: true }, send: { disabled: false }, close: { disabled: false } });

  page.data = '';
  page.send();
  page.data = 'Hello Brython';
  page.send();
  await until(() => page.log.length === 1, 5000, 'the echo');
  expect(page.log).toEqual(['Message received : Hello Brython']);
  expect(echo.received).toEqual(['Hello Brython']);

  const closed = deferred();
  page.closeConnection();
  expect(page.buttons.open.disabled).toBe(false);
  await until(() => page.log.length === 2, 5000, 'the close handler').then(closed.resolve);
  await closed.promise;
  expect(page.log).toEqual(['Message received : Hello Brython', 'Connection is closed']);
  expect(page.buttons).toEqual({ open: { disabled: false }, send: { disabled: true }, close: { disabled: true } });
});
