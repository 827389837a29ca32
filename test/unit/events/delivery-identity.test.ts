import type { PartitionContext, ReceivedEventData } from '@azure/event-hubs';
import { describe, expect, it } from 'vitest';
import { asNodeTriggerMetadata, hostEventHubBindingData } from '../../../dev/host/trigger-metadata.js';
import { deliveryIds } from '../../../shared/events/delivery-identity.js';
import { fixture } from './load-fixture.js';

const HOST = fixture('event-hub-trigger-metadata.json') as Record<string, unknown>;

/** The keys of an object and of every object below it, as paths; array entries share their element's path. */
function keyPaths(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((v) => keyPaths(v, `${at}[]`)))].sort();
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value)
    .flatMap(([k, v]) => [`${at}.${k}`, ...keyPaths(v, `${at}.${k}`)])
    .sort();
}

describe('Event Hub delivery identity', () => {
  it('reads partition, sequence number and enqueue time from the metadata as a Node handler receives it', () => {
    expect(deliveryIds(asNodeTriggerMetadata(HOST), 2)).toEqual([
      'seq:3:41:2026-12-06T02:30:11.503',
      'seq:3:42:2026-12-06T02:30:11.519',
    ]);
  });

  it('receives camel-cased names at every depth, never the PascalCase ones the host sends', () => {
    const delivered = asNodeTriggerMetadata(HOST) as { systemPropertiesArray: unknown[]; partitionContext: unknown };
    expect(Object.keys(delivered)).toContain('systemPropertiesArray');
    expect(Object.keys(delivered)).not.toContain('SystemPropertiesArray');
    expect(delivered.systemPropertiesArray[0]).toMatchObject({
      sequenceNumber: 41,
      enqueuedTimeUtc: '2026-12-06T02:30:11.503',
      'x-opt-sequence-number': 41,
    });
    expect(delivered.systemPropertiesArray[0]).not.toHaveProperty('SequenceNumber');
    expect(delivered.partitionContext).toEqual({
      fullyQualifiedNamespace: 'policysync-ns.servicebus.windows.net',
      eventHubName: 'policysync',
      consumerGroup: '$Default',
      partitionId: '3',
    });
  });

  it('tells apart two events whose content is identical', () => {
    const [a, b] = deliveryIds(asNodeTriggerMetadata(HOST), 2);
    expect(a).toBeDefined();
    expect(a).not.toEqual(b);
  });

  it('falls back to the array of sequence numbers when an event has no system properties', () => {
    const delivered = asNodeTriggerMetadata({ ...HOST, SystemPropertiesArray: [] });
    expect(deliveryIds(delivered, 2)).toEqual(['seq:3:41:2026-12-06T02:30:11.503', 'seq:3:42:2026-12-06T02:30:11.519']);
  });

  it('identifies nothing when the metadata names no partition or sequence number', () => {
    expect(deliveryIds(undefined, 2)).toEqual([undefined, undefined]);
    expect(deliveryIds({ systemPropertiesArray: [{ sequenceNumber: 1 }] }, 1)).toEqual([undefined]);
    expect(deliveryIds({ partitionContext: 'not an object' }, 1)).toEqual([undefined]);
  });

  it("gives the local host's consumer the same metadata shape as the Functions host", () => {
    const events = [41, 42].map(
      (n): ReceivedEventData => ({
        body: {},
        sequenceNumber: n,
        offset: `42949${n}`,
        enqueuedTimeUtc: new Date(Date.UTC(2026, 11, 6, 2, 30, n)),
        partitionKey: null,
        properties: {},
        systemProperties: {},
        getRawAmqpMessage: () => {
          throw new Error('not read');
        },
      }),
    );
    const partition = {
      fullyQualifiedNamespace: 'ns.servicebus.windows.net',
      eventHubName: 'policysync',
      consumerGroup: '$Default',
      partitionId: '0',
    } as PartitionContext;
    const local = hostEventHubBindingData(events, partition);
    expect(keyPaths(local)).toEqual(keyPaths(HOST));
    expect(deliveryIds(asNodeTriggerMetadata(local), 2)).toEqual([
      'seq:0:41:2026-12-06T02:30:41.000Z',
      'seq:0:42:2026-12-06T02:30:42.000Z',
    ]);
  });
});
