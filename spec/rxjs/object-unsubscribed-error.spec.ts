import * as rxjs from 'rxjs';
import { ObjectUnsubscribedError } from '../../lib/rxjs.js';

describe('ObjectUnsubscribedError', () => {
  it("is rxjs's own class where rxjs has one (RxJS 7), so instanceof against either holds", () => {
    expect(ObjectUnsubscribedError).toBe(rxjs.ObjectUnsubscribedError);
  });

  it('is a class of its own with the same name and message where rxjs has none (RxJS 8)', () => {
    // RxJS 8's Subject ignores next() after unsubscribe() instead of throwing.
    class QuietSubject {
      unsubscribe(): void {}
      next(): void {}
    }
    let own = ObjectUnsubscribedError;
    jest.isolateModules(() => {
      jest.doMock('rxjs', () => ({ Subject: QuietSubject }));
      own = (require('../../lib/rxjs/object-unsubscribed-error.js') as typeof import('../../lib/rxjs/object-unsubscribed-error.js'))
        .ObjectUnsubscribedError;
    });
    jest.dontMock('rxjs');

    const error = new own();
    const theirs = new rxjs.ObjectUnsubscribedError();
    expect(own).not.toBe(rxjs.ObjectUnsubscribedError);
    expect(error).toBeInstanceOf(own);
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.message]).toEqual([theirs.name, theirs.message]);
    expect([error.name, error.message]).toEqual(['ObjectUnsubscribedError', 'object unsubscribed']);
  });
});
