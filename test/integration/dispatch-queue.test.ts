import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStorage, type TestStorage } from '../support/storage.js';

let s: TestStorage;
beforeAll(async () => {
  s = await startTestStorage();
});
afterAll(async () => {
  await s.azurite.stop();
});

const taskIdOf = (text: string) => (JSON.parse(Buffer.from(text, 'base64').toString()) as { taskId: string }).taskId;

// Azure Queue Storage's documented semantics, held against Azurite: Put Message's pop receipt works until the
// message is dequeued or deleted; Update Message without content keeps the content and hands out a new receipt.
describe('the dispatch queue on Azurite', () => {
  it('says a message never delivered is still queued, keeps its content, and gives a receipt that works next time', async () => {
    const sent = await s.queue.send('111');
    const first = await s.queue.stillQueued(sent, new Date());
    expect(first?.popReceipt).toBeDefined();
    expect(first?.popReceipt).not.toBe(sent.popReceipt);
    expect(await s.queue.stillQueued(first!, new Date())).toBeDefined();
    const { receivedMessageItems } = await s.queue.client.receiveMessages({ numberOfMessages: 32 });
    expect(receivedMessageItems.map((m) => taskIdOf(m.messageText))).toEqual(['111']);
    await s.queue.client.deleteMessage(receivedMessageItems[0]!.messageId, receivedMessageItems[0]!.popReceipt);
  });

  it('says a message is gone once a worker dequeued it, and once it was deleted', async () => {
    const sent = await s.queue.send('222');
    const { receivedMessageItems } = await s.queue.client.receiveMessages({ numberOfMessages: 1 });
    expect(await s.queue.stillQueued(sent, new Date())).toBeUndefined();
    await s.queue.client.deleteMessage(receivedMessageItems[0]!.messageId, receivedMessageItems[0]!.popReceipt);
    expect(await s.queue.stillQueued(sent, new Date())).toBeUndefined();
  });

  it("keeps the rest of a delayed message's delay when it looks at it", async () => {
    const sent = await s.queue.send('333', 2);
    expect(await s.queue.stillQueued(sent, new Date())).toBeDefined();
    expect((await s.queue.client.receiveMessages({ numberOfMessages: 1 })).receivedMessageItems).toEqual([]);
    expect(await s.queue.frontInsertedAt()).toBeUndefined();
  });
});
