// The reactive example: state$ drives a badge, messages$ a list, reconnect$ a counter. What is
// sent while the connection is down waits in the outbox and goes out, in order, on reconnect.
import { ReactiveWebSocket } from 'reactive-websocket';

const badge = document.getElementById('state') as HTMLSpanElement;
const reconnects = document.getElementById('reconnects') as HTMLElement;
const queued = document.getElementById('queued') as HTMLElement;
const input = document.getElementById('text') as HTMLInputElement;
const log = document.getElementById('log') as HTMLOListElement;

const socket = new ReactiveWebSocket<string, string>({
  // A relative URL resolves against the page: http://host/echo becomes ws://host/echo.
  url: '/echo',
  // Delays of 0.75-1.5 s, so a visitor sees the badge change; real apps keep the default jitter.
  reconnect: { initialDelay: 1500, maxDelay: 1500, random: () => 0.5 + Math.random() / 2 },
});

const history: string[] = [];
socket.state$.subscribe((state) => {
  history.push(state);
  badge.textContent = state;
  badge.className = `badge ${state}`;
  badge.dataset.history = history.join(' ');
  queued.textContent = String(socket.queued);
});
socket.reconnect$.subscribe(({ attempt, delay }) => {
  reconnects.textContent = String(Number(reconnects.textContent) + 1);
  badge.title = `attempt ${attempt}, in ${delay} ms`;
});
// open$ comes after the outbox has been flushed into the new connection.
socket.open$.subscribe(() => (queued.textContent = String(socket.queued)));
socket.messages$.subscribe((message) => {
  const item = document.createElement('li');
  item.textContent = message;
  log.append(item);
});
socket.error$.subscribe(({ error }) => console.warn(error.message));

function send(): void {
  if (!input.value) return;
  socket.send(input.value);
  input.value = '';
  queued.textContent = String(socket.queued);
}

(document.getElementById('send') as HTMLButtonElement).addEventListener('click', send);
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') send();
});
// The demo server cuts a client that sends "/drop", without a close frame: a network failure.
(document.getElementById('drop') as HTMLButtonElement).addEventListener('click', () => socket.send('/drop'));
