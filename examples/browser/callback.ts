// The callback-style example: three buttons enabled and disabled as the connection opens and
// closes, and what happens written to the page's log in plain words.
import { supported, websocket, type CallbackWebSocket, type MessageHandlerEvent, type SocketCloseEvent } from 'reactive-websocket';

const openButton = document.getElementById('openbtn') as HTMLButtonElement;
const sendButton = document.getElementById('sendbtn') as HTMLButtonElement;
const closeButton = document.getElementById('closebtn') as HTMLButtonElement;
const input = document.getElementById('data') as HTMLInputElement;
const log = document.getElementById('log') as HTMLOListElement;

// The one connection, from Open until its close event; and what happened to it, to say why it closed.
let ws: CallbackWebSocket<string, string> | undefined;
let opened = false;
let closedByUser = false;

function write(text: string): void {
  const item = document.createElement('li');
  item.textContent = text;
  log.append(item);
}

function onOpen(): void {
  opened = true;
  sendButton.disabled = false;
  closeButton.disabled = false;
  write('Connection is open');
}

function onMessage(event: MessageHandlerEvent<string>): void {
  write(`Message received : ${event.data}`);
}

function onClose(event: SocketCloseEvent): void {
  if (closedByUser) write('Connection is closed');
  else if (!opened) write('Could not connect to the server.');
  else write(event.wasClean ? 'The server closed the connection.' : 'Connection lost.');
  ws = undefined;
  openButton.disabled = false;
  closeButton.disabled = true;
  sendButton.disabled = true;
}

function open(): void {
  // One connection at a time: a second click (a double click) while one is connecting or open does nothing.
  if (ws) return;
  if (!supported()) {
    write('WebSocket is not supported by your browser');
    return;
  }
  openButton.disabled = true;
  opened = false;
  closedByUser = false;
  // A relative URL resolves against the page: http://host/echo becomes ws://host/echo.
  ws = websocket<string, string>('/echo');
  ws.bind('open', onOpen);
  ws.bind('message', onMessage);
  ws.bind('close', onClose);
  ws.bind('error', (event) => {
    // The library's message is for developers. A failed or lost connection is told in plain words
    // when the close event follows; anything else gets a line here.
    console.log(event.error.message);
    if (event.error.name !== 'ConnectionError') write('Something went wrong; the browser console has the details.');
  });
}

function send(): void {
  const data = input.value;
  if (!data || !ws) return;
  ws.send(data);
  input.value = '';
}

function closeConnection(): void {
  if (!ws) return;
  closedByUser = true;
  closeButton.disabled = true;
  sendButton.disabled = true;
  ws.close();
}

openButton.addEventListener('click', open);
sendButton.addEventListener('click', send);
closeButton.addEventListener('click', closeConnection);
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !sendButton.disabled) send();
});
