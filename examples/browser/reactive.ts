// The reactive example: state$ drives a badge, messages$ a list, open$ a reconnect counter. What is
// sent while the connection is down waits in the outbox and goes out, in order, on reconnect.
import { ReactiveWebSocket } from 'reactive-websocket';

const badge = document.getElementById('state') as HTMLSpanElement;
const reconnects = document.getElementById('reconnects') as HTMLElement;
const queued = document.getElementById('queued') as HTMLElement;
const input = document.getElementById('text') as HTMLInputElement;
const dropButton = document.getElementById('drop') as HTMLButtonElement;
const log = document.getElementById('log') as HTMLOListElement;

const socket = new ReactiveWebSocket<string, string>({
  // A relative URL resolves against the page: http://host/echo becomes ws://host/echo.
  url: '/echo',
  // Delays of 0.75-1.5 s, so a visitor sees the badge change; real apps keep the default jitter.
  reconnect: { initialDelay: 1500, maxDelay: 1500, random: () => 0.5 + Math.random() / 2 },
});

/** Shows how many messages wait in the outbox; called wherever that can change. */
function showQueued(): void {
  queued.textContent = String(socket.queued);
}

/** Every send of the page goes through here, so the Queued counter follows it. */
function send(text: string): void {
  socket.send(text);
  showQueued();
}

const history: string[] = [];
socket.state$.subscribe((state) => {
  history.push(state);
  badge.textContent = state;
  badge.className = `badge ${state}`;
  badge.dataset.history = history.join(' ');
  // Queued while down, "/drop" would cut the next connection: it is only for an open one.
  dropButton.disabled = state !== 'open';
  showQueued();
});
socket.reconnect$.subscribe(({ attempt, delay }) => {
  badge.title = `attempt ${attempt}, in ${delay} ms`;
});
// Each open after the first is a successful reconnect; failed attempts are in the badge's tooltip.
// open$ comes after the outbox has been flushed into the new connection.
let opens = 0;
socket.open$.subscribe(() => {
  opens++;
  reconnects.textContent = String(opens - 1);
  showQueued();
});
socket.messages$.subscribe((message) => {
  const item = document.createElement('li');
  item.textContent = message;
  log.append(item);
});
socket.error$.subscribe(({ error }) => console.warn(error.message));

function sendInput(): void {
  if (!input.value) return;
  send(input.value);
  input.value = '';
}

(document.getElementById('send') as HTMLButtonElement).addEventListener('click', sendInput);
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') sendInput();
});
// The demo server cuts a client that sends "/drop", without a close frame: a network failure.
dropButton.addEventListener('click', () => {
  if (socket.state === 'open') send('/drop');
});
