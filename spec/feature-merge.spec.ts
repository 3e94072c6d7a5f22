/**
 * mergeFeatures on its own: the features of `use` become one, each place filled by at most one
 * feature, with a message that says what to write for anything else.
 */
import { asFeature, mergeFeatures, type FeatureSlots, type SocketFeature } from '../lib/feature.js';

/** Features with the given places filled, as use holds them. */
function features(...places: Array<FeatureSlots<unknown, unknown>>): SocketFeature[] {
  return places.map((filled) => asFeature(filled));
}

const policy = () => ({
  next: () => undefined,
  gaveUp: () => undefined,
  schedule: () => undefined,
  cancel: () => undefined,
  waiting: false,
});
const beat = () => ({ received: () => undefined, stop: () => undefined });
const isPong = (message: unknown) => message === 'pong';

describe('mergeFeatures', () => {
  it('gives an empty feature for no use and for an empty one', () => {
    expect(mergeFeatures(undefined)).toEqual({});
    expect(mergeFeatures([])).toEqual({});
  });

  it('puts what each feature adds in its place, as given', () => {
    const merged = mergeFeatures(features({ reconnect: policy }, { heartbeat: beat, isPong }));
    expect(merged).toEqual({ reconnect: policy, heartbeat: beat, isPong });
    expect(merged.reconnect).toBe(policy);
    expect(merged.heartbeat).toBe(beat);
    expect(merged.isPong).toBe(isPong);
  });

  it('lets a feature that leaves a place undefined stand beside one that fills it, in either order', () => {
    expect(mergeFeatures(features({ reconnect: undefined }, { reconnect: policy })).reconnect).toBe(policy);
    expect(mergeFeatures(features({ reconnect: policy }, { reconnect: undefined })).reconnect).toBe(policy);
    expect(mergeFeatures(features({ reconnect: undefined }, { reconnect: undefined }))).toEqual({ reconnect: undefined });
    expect(mergeFeatures(features({}, { isPong }, {}))).toEqual({ isPong });
  });

  it('refuses two features that fill the same place, naming it', () => {
    expect(() => mergeFeatures(features({ heartbeat: beat, isPong }, { heartbeat: beat }))).toThrow(
      new TypeError('reactive-websocket: two features in use both set heartbeat; name each feature once.'),
    );
    expect(() => mergeFeatures(features({ isPong }, {}, { isPong }))).toThrow(/both set isPong/);
  });

  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [5, '5'],
    ['reconnect', '"reconnect"'],
  ])('refuses %p in use, saying to call the feature’s function', (feature, shown) => {
    expect(() => mergeFeatures([feature as unknown as SocketFeature])).toThrow(
      new TypeError(
        `reactive-websocket: use holds ${shown}, which is not a feature; call the feature's function: reconnect(), not reconnect.`,
      ),
    );
  });

  it('refuses a function in use, which is a feature’s maker not yet called, without showing its source', () => {
    expect(() => mergeFeatures([policy as unknown as SocketFeature])).toThrow(/use holds function, which is not a feature/);
  });

  it('refuses a use that is not an array, saying what to pass', () => {
    expect(() => mergeFeatures({ reconnect: policy } as unknown as SocketFeature[])).toThrow(
      new TypeError('reactive-websocket: use must be an array of features, such as [reconnect(), heartbeat({ … })].'),
    );
  });
});
