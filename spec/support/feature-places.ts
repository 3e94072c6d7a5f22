import type { FeatureSlots, SocketFeature } from '../../lib/feature.js';

/**
 * The places a feature fills, which its public type hides, for specs that call them directly.
 * `In` and `Out` are the socket's the places are read for: a feature fits one whose incoming
 * messages it reads and whose serializer takes what it sends.
 */
export function places<In = unknown, Out = unknown>(feature: SocketFeature<unknown, unknown>): FeatureSlots<In, Out> {
  return feature as FeatureSlots<In, Out>;
}
