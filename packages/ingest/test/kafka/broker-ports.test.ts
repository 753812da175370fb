/**
 * The test broker's two listeners need two different ports. Choosing them one at a time (open a
 * socket on port 0, close it, open the next) can be handed the same port twice, and KRaft then
 * refuses to format the log dir: one CI run failed that way.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePorts, startKafkaBroker } from '../../../../scripts/kafka/kafka-broker.ts';

describe('ports for the test broker', () => {
  it('freePorts hands out distinct ports that are free to bind', async () => {
    for (let round = 0; round < 20; round++) {
      const ports = await freePorts(8);
      expect(new Set(ports).size).toBe(8);
      for (const port of ports) expect(port).toBeGreaterThan(0);
    }
    const [port] = await freePorts(1);
    const srv = createServer();
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });

  it('freePorts never returns a port it was told to avoid', async () => {
    const taken = await freePorts(4);
    for (let round = 0; round < 10; round++) {
      const more = await freePorts(4, taken);
      for (const port of more) expect(taken).not.toContain(port);
    }
  });

  it('a broker asked to share one port between its listeners is refused before anything starts', async () => {
    const [port] = await freePorts(1);
    await expect(startKafkaBroker({ port, controllerPort: port })).rejects.toThrow(
      `the client port and the controller port are both ${port}`,
    );
  });
});
