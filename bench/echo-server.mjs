// The benchmark's server, in its own process so its work is not counted: an echo server on
// 127.0.0.1, or with --slow a server that reads 1 ms in every 10 (for the backpressure figure).
// It prints its port on the first line of output.
import { WebSocketServer } from 'ws';

const slow = process.argv.includes('--slow');
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1024 * 1024, perMessageDeflate: false });
server.on('listening', () => console.log(server.address().port));
server.on('connection', (socket) => {
  if (!slow) {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    return;
  }
  socket.on('message', () => undefined);
  socket.pause();
  const timer = setInterval(() => {
    socket.resume();
    setTimeout(() => socket.pause(), 1);
  }, 10);
  socket.on('close', () => clearInterval(timer));
});
process.on('message', (message) => message === 'stop' && process.exit(0));
process.on('disconnect', () => process.exit(0));
