import { readFileSync } from 'node:fs';
import type { Admin } from 'kafkajs';

/** Helpers the benchmarks that need a Kafka broker share. */

/** Milliseconds a started stage may take to join its consumer group. */
export const JOIN_TIMEOUT_MS = 90_000;

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Returns the last 3,000 characters of a log file, for error messages. */
export function tail(path: string): string {
  return readFileSync(path, 'utf8').slice(-3000);
}

/**
 * Connects the admin client, or exits with how to start a broker on `port` (and `port + 1`
 * for the controller) in `dir` and point the benchmark at it.
 */
export async function checkBroker(admin: Admin, brokers: string, port: number, dir: string): Promise<void> {
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (err) {
    console.error(`cannot reach a Kafka broker at ${brokers}: ${(err as Error).message}`);
    console.error('Start one with');
    console.error(`  TIERS_KAFKA_PORT=${port} TIERS_KAFKA_CONTROLLER_PORT=${port + 1} TIERS_KAFKA_DIR=${dir} bash scripts/kafka.sh start`);
    console.error(`and pass --brokers 127.0.0.1:${port} (or set TIERS_BROKERS).`);
    process.exit(1);
  }
}

/** Waits until the consumer group is stable with at least `members` members. */
export async function waitForMember(admin: Admin, groupId: string, pollMs = 100, members = 1): Promise<void> {
  const deadline = Date.now() + JOIN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { groups } = await admin.describeGroups([groupId]);
    if (groups[0]?.state === 'Stable' && groups[0].members.length >= members) return;
    await sleep(pollMs);
  }
  const { groups } = await admin.describeGroups([groupId]);
  throw new Error(`timed out after ${JOIN_TIMEOUT_MS / 1000} s waiting for consumer group ${groupId} to become stable (state ${groups[0]?.state})`);
}
