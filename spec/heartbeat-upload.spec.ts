/**
 * The heartbeat of a connection busy sending one large message: its ping waits behind the
 * message, so no reply can come until the message is through. Bytes leaving (a backlog that fell
 * since the last tick) count as life; under fake timers, as the heartbeat's other policy.
 */
import { Heartbeat } from '../lib/heartbeat.js';
import { outgoingBacklog, type WebSocketLike } from '../lib/native-socket.js';

const INTERVAL = 200;
const TIMEOUT = 300;
const start = Date.UTC(2026, 0, 1);

let pings: number[];
let deaths: number[];
let backlog: number;
let heartbeat: Heartbeat;

beforeEach(() => {
  jest.useFakeTimers({ now: start });
  pings = [];
  deaths = [];
  backlog = 0;
  heartbeat = new Heartbeat(
    INTERVAL,
    TIMEOUT,
    () => pings.push(Date.now() - start),
    (silentFor) => deaths.push(silentFor),
    () => backlog,
  );
});
afterEach(() => {
  heartbeat.stop();
  jest.useRealTimers();
});

describe('a heartbeat whose connection is sending a large message', () => {
  it('keeps the connection alive while the backlog falls between ticks, with the one ping left outstanding', () => {
    heartbeat.start();
    backlog = 3_000_000; // the message is sent just after the connection opened
    for (let ms = 0; ms < 3000; ms += 50) {
      jest.advanceTimersByTime(50);
      backlog = Math.max(0, backlog - 50_000); // 1 MB/s leaves the socket
    }
    expect(deaths).toEqual([]);
    expect(pings).toEqual([INTERVAL]);
  });

  it('declares it dead interval + timeout after the backlog stopped falling, give or take one tick', () => {
    heartbeat.start();
    backlog = 3_000_000;
    for (let ms = 0; ms < 1000; ms += 50) {
      jest.advanceTimersByTime(50);
      backlog -= 50_000;
    }
    // The link dies at 1000 ms: nothing leaves from now on.
    for (let ms = 0; ms < 2000 && deaths.length === 0; ms += 10) jest.advanceTimersByTime(10);
    const diedAt = Date.now() - start;
    expect(deaths).toHaveLength(1);
    expect(diedAt).toBeGreaterThanOrEqual(1000 + INTERVAL + TIMEOUT);
    expect(diedAt).toBeLessThanOrEqual(1000 + INTERVAL + TIMEOUT + INTERVAL);
  });

  it('does not count a backlog that grew (more was sent) as life', () => {
    heartbeat.start();
    for (let ms = 0; ms < INTERVAL + TIMEOUT; ms += 50) {
      jest.advanceTimersByTime(50);
      backlog += 10_000;
    }
    expect(deaths).toEqual([INTERVAL + TIMEOUT]);
  });

  it('does not count a backlog that fell across a clock jump (a machine that slept): dead on the first tick after', () => {
    backlog = 1_000_000;
    heartbeat.start();
    jest.advanceTimersByTime(100);
    backlog = 0;
    jest.setSystemTime(start + 100 + 10 * 60_000);
    jest.advanceTimersByTime(100);
    // The late tick's verdict waits one turn of the event loop (1 ms under fake timers).
    jest.advanceTimersByTime(1);
    expect(deaths).toHaveLength(1);
    expect(deaths[0]).toBeGreaterThanOrEqual(10 * 60_000);
  });
});

describe('outgoingBacklog', () => {
  const emitter = { on: () => undefined, off: () => undefined, terminate: () => undefined };

  it("adds a ws socket's TCP write queue, which falls while one large message goes out, to its bufferedAmount", () => {
    const socket = { ...emitter, bufferedAmount: 3_000_000, _socket: { _handle: { writeQueueSize: 1_200_000 } } };
    expect(outgoingBacklog(socket as unknown as WebSocketLike)).toBe(4_200_000);
  });

  it('is the bufferedAmount of a ws socket without a TCP handle (not yet connected, or gone) and of any other socket', () => {
    expect(outgoingBacklog({ ...emitter, bufferedAmount: 7, _socket: null } as unknown as WebSocketLike)).toBe(7);
    expect(outgoingBacklog({ ...emitter, bufferedAmount: 7, _socket: { _handle: null } } as unknown as WebSocketLike)).toBe(7);
    const dom = { bufferedAmount: 9, addEventListener: () => undefined, _socket: { _handle: { writeQueueSize: 5 } } };
    expect(outgoingBacklog(dom as unknown as WebSocketLike)).toBe(9);
  });
});
