// The callback-style example: three buttons enabled and disabled as the connection opens and
// closes, and every message received written to the page's log.
import { supported, websocket, type CallbackWebSocket, type MessageHandlerEvent } from 'reactive-websocket';

const openButton = document.getElementById('openbtn') as HTMLButtonElement;
const sendButton = document.getElementById('sendbtn') as HTMLButtonElement;
const closeButton = document.getElementById('closebtn') as HTMLButtonElement;
const input = document.getElementById('data') as HTMLInputElement;
const log = document.getElementById('log') as HTMLOListElement;

let ws: CallbackWebSocket<string, string> | undefined;

function write(text: string): void {
  const item = document.createElement('li');
  item.textContent = text;
  log.append(item);
}

function onOpen(): void {
  sendButton.disabled = false;
  closeButton.disabled = false;
  openButton.disabled = true;
  write('Connection is open');
}

function onMessage(event: MessageHandlerEvent<string>): void {
  write(`Message received : ${event.data}`);
}

function onClose(): void {
  write('Connection is closed');
  openButton.disabled = false;
  closeButton.disabled = true;
  sendButton.disabled = true;
}

function open(): void {
  if (!supported) {
    write('WebSocket is not supported by your browser');
    return;
  }
  // A relative URL resolves against the page: http://host/echo becomes ws://host/echo.
  ws = websocket<string, string>('/echo');
  ws.bind('open', onOpen);
  ws.bind('message', onMessage);
  ws.bind('close', onClose);
  ws.bind('error', (event) => write(`Error: ${event.error.message}`));
}

function send(): void {
  const data = input.value;
  if (data) ws?.send(data);
}

function closeConnection(): void {
  ws?.close();
  openButton.disabled = false;
}

openButton.addEventListener('click', open);
sendButton.addEventListener('click', send);
closeButton.addEventListener('click', closeConnection);
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !sendButton.disabled) send();
});
