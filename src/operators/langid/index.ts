export { LangidOperator, createLangid, identifyLanguage, prefixCodePoints, prepareLine, type Identification } from './langid.js';
export { LANGID_NAME, LANGID_RULES, langidConfigSchema, parseLangidConfig, type LangidConfig } from './config.js';
export { DETECTABLE_LANGS, MODEL_LABELS, UNDETERMINED, langOfLabel } from './labels.js';
export { MODEL_NAME, MODEL_PACKAGE, loadLanguageModel, type LanguageModel, type Prediction } from './model.js';
