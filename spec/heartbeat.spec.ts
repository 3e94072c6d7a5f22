import { Heartbeat, validateHeartbeatConfig } from '../lib/heartbeat.js';

describe('Heartbeat', () => {
  let pings: number[];
  let deaths: number[];
  let heartbeat: Heartbeat;
  const start = Date.UTC(2026, 0, 1);

  beforeEach(() => {
    jest.useFakeTimers({ now: start });
    pings = [];
    deaths = [];
    heartbeat = new Heartbeat(
      200,
      300,
      () => pings.push(Date.now() - start),
      (silentFor) => deaths.push(silentFor),
    );
  });
  afterEach(() => {
    heartbeat.stop();
    jest.useRealTimers();
  });

  it('pings after interval of silence and declares the connection dead at exactly interval + timeout', () => {
    heartbeat.start();
    jest.advanceTimersByTime(199);
    expect(pings).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(pings).toEqual([200]);
    jest.advanceTimersByTime(299);
    expect(deaths).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(deaths).toEqual([500]);
    expect(pings).toEqual([200]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('counts silence from the last message: the next ping is interval after it, death interval + timeout after it', () => {
    heartbeat.start();
    jest.advanceTimersByTime(250);
    heartbeat.received(); // the pong, at 250
    jest.advanceTimersByTime(199);
    expect(pings).toEqual([200]);
    jest.advanceTimersByTime(1);
    expect(pings).toEqual([200, 450]);
    jest.advanceTimersByTime(299);
    expect(deaths).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(Date.now() - start).toBe(750);
    expect(deaths).toEqual([500]);
  });

  it('does not ping while messages keep arriving', () => {
    heartbeat.start();
    for (let i = 0; i < 50; i++) {
      jest.advanceTimersByTime(150);
      heartbeat.received();
    }
    expect(pings).toEqual([]);
    expect(deaths).toEqual([]);
  });

  it('declares a connection dead on the first tick after the clock jumped (a machine that slept), one turn of the event loop later', () => {
    heartbeat.start();
    jest.advanceTimersByTime(100);
    jest.setSystemTime(start + 100 + 10 * 60_000);
    jest.advanceTimersByTime(100);
    // The tick was late: what the runtime received meanwhile gets one more turn to be read.
    expect(deaths).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(deaths).toHaveLength(1);
    expect(deaths[0]).toBeGreaterThanOrEqual(10 * 60_000);
    expect(pings).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('counts a reply read in the turn after a late deadline tick (a busy event loop), and goes on', () => {
    heartbeat.start();
    jest.advanceTimersByTime(200);
    expect(pings).toEqual([200]);
    // The event loop is busy for 400 ms: the deadline tick (due at 500) runs late.
    jest.setSystemTime(start + 600);
    jest.advanceTimersToNextTimer();
    expect(deaths).toEqual([]);
    expect(jest.getTimerCount()).toBe(1);
    heartbeat.received(); // the pong, which had arrived during the busy stretch
    jest.advanceTimersToNextTimer();
    expect(deaths).toEqual([]);
    jest.advanceTimersByTime(200);
    expect(pings).toHaveLength(2);
    expect(deaths).toEqual([]);
  });

  it('counts a reply that arrives in the same millisecond as its ping, and keeps pinging a connection that always replies at once', () => {
    const replying = new Heartbeat(
      200,
      300,
      () => {
        pings.push(Date.now() - start);
        replying.received(); // the pong, within the same millisecond
      },
      (silentFor) => deaths.push(silentFor),
    );
    replying.start();
    jest.advanceTimersByTime(2000);
    replying.stop();
    expect(deaths).toEqual([]);
    expect(pings).toEqual([200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000]);
  });

  it('wakes only when a ping is due, once while awaiting the reply, and at the deadline: it never polls', () => {
    heartbeat.start();
    const wakes: number[] = [];
    while (deaths.length === 0 && wakes.length < 10) {
      jest.advanceTimersToNextTimer();
      wakes.push(Date.now() - start);
    }
    expect(wakes).toEqual([200, 400, 500]);
    expect(pings).toEqual([200]);
  });

  it('leaves no timer after stop()', () => {
    heartbeat.start();
    jest.advanceTimersByTime(250);
    expect(jest.getTimerCount()).toBe(1);
    heartbeat.stop();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(10_000);
    expect(deaths).toEqual([]);
  });
});

describe('validateHeartbeatConfig', () => {
  it.each([
    [{ interval: 0, timeout: 1, message: 'p' }, /heartbeat.interval must be a number of ms above 0, not 0/],
    [{ interval: 1, timeout: -1, message: 'p' }, /^reactive-websocket: heartbeat.timeout must be a number of ms above 0, not -1.$/],
    [{ interval: 1, timeout: 0, message: 'p' }, /heartbeat.timeout must be a number of ms above 0, not 0/],
    [{ interval: Infinity, timeout: 1, message: 'p' }, /heartbeat.interval must be a number of ms above 0, not Infinity/],
    [{ interval: '5', timeout: 1, message: 'p' }, /heartbeat.interval must be a number of ms above 0, not "5"/],
    [{ interval: 1, timeout: Number.NaN, message: 'p' }, /heartbeat.timeout/],
    [{ interval: 1, timeout: 1 }, /heartbeat.message is missing/],
    [{ interval: 1, timeout: 1, message: 'p', isPong: 1 }, /heartbeat.isPong must be a function/],
    ['ping', /heartbeat must be an object/],
    [null, /heartbeat must be an object such as \{ interval: 25000, timeout: 10000, message: 'ping' \}, not null/],
  ])('rejects %p, naming the field', (config, message) => {
    expect(() => validateHeartbeatConfig(config as never)).toThrow(message);
  });

  it('accepts settings with or without isPong, and no settings at all', () => {
    const plain = { interval: 1, timeout: 1, message: 'p' };
    const withPong = { interval: 25_000, timeout: 10_000, message: () => 'ping', isPong: (message: unknown) => message === 'pong' };
    expect(validateHeartbeatConfig(plain)).toBe(plain);
    expect(validateHeartbeatConfig(withPong)).toBe(withPong);
    expect(validateHeartbeatConfig(undefined)).toBeUndefined();
  });
});
