/**
 * ISO 639-3 codes (as Common Crawl's language identifier, CLD2, writes them in WET headers) mapped to
 * the two-letter ISO 639-1 codes that BCP-47 prefers. Languages without a two-letter code, such as
 * Cebuano (`ceb`), are not listed and keep their three-letter code, which is also a valid BCP-47 tag.
 */
const ISO_639_3_TO_1: Readonly<Record<string, string>> = {
  aar: 'aa', abk: 'ab', afr: 'af', amh: 'am', ara: 'ar', arg: 'an', asm: 'as', aym: 'ay',
  aze: 'az', bak: 'ba', bel: 'be', ben: 'bn', bis: 'bi', bod: 'bo', bos: 'bs', bre: 'br',
  bul: 'bg', cat: 'ca', ces: 'cs', che: 'ce', chv: 'cv', cor: 'kw', cos: 'co', cym: 'cy',
  dan: 'da', deu: 'de', div: 'dv', dzo: 'dz', ell: 'el', eng: 'en', epo: 'eo', est: 'et',
  eus: 'eu', fao: 'fo', fas: 'fa', fin: 'fi', fra: 'fr', fry: 'fy', gla: 'gd', gle: 'ga',
  glg: 'gl', glv: 'gv', grn: 'gn', guj: 'gu', hat: 'ht', hau: 'ha', heb: 'he', hin: 'hi',
  hrv: 'hr', hun: 'hu', hye: 'hy', ibo: 'ig', ido: 'io', iku: 'iu', ile: 'ie', ina: 'ia',
  ind: 'id', isl: 'is', ita: 'it', jav: 'jv', jpn: 'ja', kal: 'kl', kan: 'kn', kas: 'ks',
  kat: 'ka', kaz: 'kk', khm: 'km', kin: 'rw', kir: 'ky', kor: 'ko', kur: 'ku', lao: 'lo',
  lat: 'la', lav: 'lv', lim: 'li', lin: 'ln', lit: 'lt', ltz: 'lb', mal: 'ml', mar: 'mr',
  mkd: 'mk', mlg: 'mg', mlt: 'mt', mon: 'mn', mri: 'mi', msa: 'ms', mya: 'my', nau: 'na',
  nep: 'ne', nld: 'nl', nno: 'nn', nob: 'nb', nor: 'no', nya: 'ny', oci: 'oc', ori: 'or',
  orm: 'om', oss: 'os', pan: 'pa', pol: 'pl', por: 'pt', pus: 'ps', que: 'qu', roh: 'rm',
  ron: 'ro', rus: 'ru', sag: 'sg', san: 'sa', sin: 'si', slk: 'sk', slv: 'sl', smo: 'sm',
  sna: 'sn', snd: 'sd', som: 'so', sot: 'st', spa: 'es', sqi: 'sq', srp: 'sr', ssw: 'ss',
  sun: 'su', swa: 'sw', swe: 'sv', tam: 'ta', tat: 'tt', tel: 'te', tgk: 'tg', tgl: 'tl',
  tha: 'th', tir: 'ti', ton: 'to', tsn: 'tn', tso: 'ts', tuk: 'tk', tur: 'tr', twi: 'tw',
  uig: 'ug', ukr: 'uk', urd: 'ur', uzb: 'uz', ven: 've', vie: 'vi', vol: 'vo', wln: 'wa',
  wol: 'wo', xho: 'xh', yid: 'yi', yor: 'yo', zha: 'za', zho: 'zh', zul: 'zu',
};

/**
 * Returns the first code of a WET `WARC-Identified-Content-Language` value (up to three comma-separated
 * ISO 639-3 codes), as an ISO 639-1 code where one exists. Returns null for an empty value.
 */
export function primaryLanguage(identified: string | undefined): string | null {
  const first = identified?.split(',')[0]?.trim().toLowerCase();
  if (first === undefined || first === '') return null;
  return ISO_639_3_TO_1[first] ?? first;
}
