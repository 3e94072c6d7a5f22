import { of, toArray, firstValueFrom } from 'rxjs';
import { ofType, type SocketEvent } from '../lib/events.js';

describe('ofType', () => {
  it('keeps the events of one type', async () => {
    const events: SocketEvent[] = [
      { type: 'open' },
      { type: 'message', data: 'a' },
      { type: 'close', code: 1000, reason: '', wasClean: true },
      { type: 'message', data: 'b' },
    ];
    const messages = await firstValueFrom(of(...events).pipe(ofType('message'), toArray()));
    // The narrowed type gives `data` without a cast.
    expect(messages.map((event) => event.data)).toEqual(['a', 'b']);
  });
});
