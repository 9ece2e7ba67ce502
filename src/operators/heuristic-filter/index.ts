export { HeuristicFilterOperator, createHeuristicFilter } from './heuristic-filter.js';
export {
  DEFAULT_DOMAINS,
  HEURISTIC_FAMILIES,
  heuristicFilterConfigSchema,
  parseHeuristicFilterConfig,
  type HeuristicFamily,
  type HeuristicFilterConfig,
  type HeuristicFilterConfigInput,
} from './config.js';
export { HEURISTIC_PROFILES, type HeuristicProfile } from './profile.js';
export { HEURISTIC_FILTER_RULES, type HeuristicFilterRule } from './reasons.js';
