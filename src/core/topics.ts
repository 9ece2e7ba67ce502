import { ConfigError } from './errors.js';
import { TIERS, type Tier } from './record.js';

export const DEFAULT_TOPIC_PREFIX = 'tiers';

/** Kafka's own limit on topic names: at most 249 characters of [a-zA-Z0-9._-]. */
const TOPIC_PREFIX_PATTERN = /^[a-zA-Z0-9._-]{1,200}$/;

export type TopicRole = Tier | 'rejected' | 'dlq';
export const TOPIC_ROLES: readonly TopicRole[] = [...TIERS, 'rejected', 'dlq'];

export type TopicNames = Record<TopicRole, string>;

/** Chooses the topic prefix: the explicit option, else TIERS_TOPIC_PREFIX, else `tiers`. */
export function resolveTopicPrefix(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const prefix = option ?? env.TIERS_TOPIC_PREFIX ?? DEFAULT_TOPIC_PREFIX;
  if (!TOPIC_PREFIX_PATTERN.test(prefix)) {
    throw new ConfigError(
      `invalid topic prefix "${prefix}": use 1 to 200 characters of letters, digits, '.', '_' and '-'`,
    );
  }
  return prefix;
}

/** Topic names `<prefix>.l0` … `<prefix>.l4`, `<prefix>.rejected`, `<prefix>.dlq`. */
export function topicNames(prefix: string): TopicNames {
  const names = {} as TopicNames;
  for (const role of TOPIC_ROLES) names[role] = `${prefix}.${role}`;
  return names;
}

/** Parses a tier name given on the command line (`l1`, `L1`, `rejected`, `dlq`). */
export function parseTopicRole(value: string): TopicRole {
  const role = value.toLowerCase() as TopicRole;
  if (!TOPIC_ROLES.includes(role)) {
    throw new ConfigError(`unknown tier "${value}": expected one of ${TOPIC_ROLES.join(', ')}`);
  }
  return role;
}
