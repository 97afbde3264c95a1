/**
 * The agency directory: who an agency id or municipality code names, in Japanese and English, so a
 * resident reads "大阪市 (Osaka City)" rather than `271004`. Pure data with no imports, so the resident
 * page bundles it and names the requester of a verified entry itself. An id not listed is shown as
 * it is (`agencyName` falls back to the id): the directory names, it never decides anything.
 */
export interface AgencyName {
  id: string;
  ja: string;
  en: string;
  kind: 'municipality' | 'agency' | 'private';
}

const municipality = (id: string, ja: string, en: string): AgencyName => ({
  id,
  ja,
  en,
  kind: 'municipality',
});
const agency = (id: string, ja: string, en: string): AgencyName => ({ id, ja, en, kind: 'agency' });

/** Municipalities by 6-digit local government code (those of the synthetic data and the demo). */
const MUNICIPALITIES: readonly AgencyName[] = [
  municipality('011002', '札幌市', 'Sapporo City'),
  municipality('012025', '函館市', 'Hakodate City'),
  municipality('041009', '仙台市', 'Sendai City'),
  municipality('111007', 'さいたま市', 'Saitama City'),
  municipality('121002', '千葉市', 'Chiba City'),
  municipality('131016', '千代田区', 'Chiyoda City'),
  municipality('131024', '中央区', 'Chuo City'),
  municipality('131032', '港区', 'Minato City'),
  municipality('131041', '新宿区', 'Shinjuku City'),
  municipality('131130', '渋谷区', 'Shibuya City'),
  municipality('131202', '練馬区', 'Nerima City'),
  municipality('132012', '八王子市', 'Hachioji City'),
  municipality('141003', '横浜市', 'Yokohama City'),
  municipality('141305', '川崎市', 'Kawasaki City'),
  municipality('151009', '新潟市', 'Niigata City'),
  municipality('172014', '金沢市', 'Kanazawa City'),
  municipality('202011', '長野市', 'Nagano City'),
  municipality('221309', '浜松市', 'Hamamatsu City'),
  municipality('231002', '名古屋市', 'Nagoya City'),
  municipality('261009', '京都市', 'Kyoto City'),
  municipality('271004', '大阪市', 'Osaka City'),
  municipality('281000', '神戸市', 'Kobe City'),
  municipality('341002', '広島市', 'Hiroshima City'),
  municipality('401307', '福岡市', 'Fukuoka City'),
  municipality('472018', '那覇市', 'Naha City'),
];

/** National agencies and services by the ids the legal-basis table and the agency CA use. */
const AGENCIES: readonly AgencyName[] = [
  agency('jps', '日本年金機構', 'Japan Pension Service'),
  agency('hello-work', 'ハローワーク（公共職業安定所）', 'Hello Work (Public Employment Security Office)'),
  agency('isa', '出入国在留管理庁', 'Immigration Services Agency'),
  agency('vehicle-registration', '運輸支局（自動車登録）', 'Vehicle Registration Office'),
  agency('resident-registry', '住民基本台帳', 'Resident Registry'),
  agency('resident-portal', 'マイナポータル', 'Resident Portal'),
  { id: 'tsubame-bank', ja: 'つばめ銀行', en: 'Tsubame Bank', kind: 'private' },
];

const BY_ID = new Map([...MUNICIPALITIES, ...AGENCIES].map((a) => [a.id, a]));

export const AGENCY_DIRECTORY: readonly AgencyName[] = [...BY_ID.values()];

/** The agency's names, or the id itself in both languages when the directory does not list it. */
export const agencyName = (id: string): AgencyName =>
  BY_ID.get(id) ?? { id, ja: id, en: id, kind: /^\d{6}$/.test(id) ? 'municipality' : 'agency' };
