/**
 * The heuristic filter moves L0 records to L1 when they pass rule-based quality checks
 * (Gopher repetition and quality, C4, FineWeb, and StarCoder rules for code). The record's
 * domain selects the rule families. The first failing rule rejects the record. Every
 * measure computed on the way is written to `record.signals`, so thresholds can be tuned
 * later without measuring again.
 */

import { ConfigError } from '../../core/errors.js';
import { promote, reject, type Operator, type OperatorContext, type Outcome } from '../../core/operator.js';
import { knownLang, type TierRecord } from '../../core/record.js';
import { checkC4 } from './c4.js';
import { checkCode } from './code.js';
import {
  parseHeuristicFilterConfig,
  type DomainConfig,
  type HeuristicFamily,
  type HeuristicFilterConfig,
} from './config.js';
import { MeasuredText, type Signals } from './document.js';
import { checkFineweb } from './fineweb.js';
import { checkGopherQuality } from './gopher-quality.js';
import { checkGopherRepetition } from './gopher-repetition.js';
import { HEURISTIC_FILTER_RULES, type RuleFailure } from './reasons.js';

/** Domain whose families apply to records of a domain the config does not list. */
const FALLBACK_DOMAIN = 'web';

/** The families of one domain, resolved once: which run, and the rules they skip. */
interface DomainPlan {
  families: ReadonlySet<HeuristicFamily>;
  skipRules: ReadonlySet<string>;
}

export class HeuristicFilterOperator implements Operator {
  readonly name = 'heuristic-filter';
  readonly version = '1.0.0';
  readonly rules: readonly string[] = HEURISTIC_FILTER_RULES;
  readonly config: HeuristicFilterConfig;
  private readonly plans = new Map<string, DomainPlan>();
  private readonly fallbackPlan: DomainPlan;

  /** Throws ConfigError when `config.domains` has no `web` entry, which unknown domains need. */
  constructor(config: HeuristicFilterConfig = parseHeuristicFilterConfig({})) {
    this.config = config;
    for (const [domain, domainConfig] of Object.entries(this.config.domains)) {
      this.plans.set(domain, this.planFor(domainConfig));
    }

    const fallback = this.plans.get(FALLBACK_DOMAIN);
    if (fallback === undefined) {
      throw new ConfigError(`heuristic-filter.domains.${FALLBACK_DOMAIN} is missing; records of unlisted domains use it`);
    }
    this.fallbackPlan = fallback;
  }

  private planFor(domainConfig: DomainConfig): DomainPlan {
    // A family disabled in its own section stays off in every domain.
    const families = domainConfig.families.filter((family) => this.config[family].enabled);
    return { families: new Set(families), skipRules: new Set(domainConfig.skipRules) };
  }

  process(record: TierRecord, _ctx: OperatorContext): Outcome[] {
    const plan = this.plans.get(record.domain) ?? this.fallbackPlan;
    const { families, skipRules } = plan;
    const signals: Signals = record.signals;
    const config = this.config;
    let doc = new MeasuredText(record.text, knownLang(record));
    let keptText: string | null = null;

    const rejectWith = (failure: RuleFailure): Outcome[] => reject(record, failure.rule, failure.reason, failure.value);

    if (families.has('gopherRepetition')) {
      const failure = checkGopherRepetition(doc, config.gopherRepetition, skipRules, signals);
      if (failure) return rejectWith(failure);
    }
    if (families.has('gopherQuality')) {
      const failure = checkGopherQuality(doc, config.gopherQuality, skipRules, signals);
      if (failure) return rejectWith(failure);
    }
    if (families.has('c4')) {
      const outcome = checkC4(doc, config.c4, skipRules, signals);
      if (outcome.failure) return rejectWith(outcome.failure);
      // Later families measure the text that the record will carry.
      if (config.c4.rewriteText && outcome.keptText !== doc.text) {
        keptText = outcome.keptText;
        doc = new MeasuredText(keptText, knownLang(record), outcome.keptTokens ?? undefined);
      }
    }
    if (families.has('fineweb')) {
      const failure = checkFineweb(doc, config.fineweb, skipRules, signals);
      if (failure) return rejectWith(failure);
    }
    if (families.has('code')) {
      const failure = checkCode(doc, config.code, skipRules, signals);
      if (failure) return rejectWith(failure);
    }

    // A rejected record keeps its original text, so the rejects topic shows what was judged.
    if (keptText !== null) record.text = keptText;
    return promote(record);
  }
}

/** Builds the operator from raw config. Throws ConfigError naming each invalid path. */
export function createHeuristicFilter(config: unknown): HeuristicFilterOperator {
  return new HeuristicFilterOperator(parseHeuristicFilterConfig(config));
}
