/**
 * Japanese and English labels of what a trail entry names by code: information items, office work,
 * outcomes and channels. Pure data with no imports (the resident page bundles it). A code not listed
 * (e.g. a channel added later) is shown as it is.
 */
export interface Label {
  ja: string;
  en: string;
}

export const ITEM_LABELS: Readonly<Record<string, Label>> = {
  LOCAL_TAX_INCOME: { ja: '地方税（所得）情報', en: 'Local tax (income)' },
  CHILD_ALLOWANCE_STATUS: { ja: '児童手当の受給状況', en: 'Child allowance status' },
  CARE_LEVEL: { ja: '要介護認定情報', en: 'Long-term care level' },
  PUBLIC_ASSISTANCE_STATUS: { ja: '生活保護の実施状況', en: 'Public assistance status' },
  PENSION_BENEFIT_AMOUNT: { ja: '年金給付額', en: 'Pension benefit amount' },
  DISABILITY_CERTIFICATE: { ja: '障害者手帳情報', en: 'Disability certificate' },
  RESIDENT_RECORD: { ja: '住民票関係情報', en: 'Resident record' },
  BASIC_FOUR_INFORMATION: { ja: '基本4情報', en: 'Basic four information' },
  ADDRESS: { ja: '住所', en: 'Address' },
  LOCAL_TAX_CERTIFICATE: { ja: '課税証明情報', en: 'Local tax certificate' },
  PUBLIC_MONEY_ACCOUNT: { ja: '公金受取口座', en: 'Public-money receiving account' },
  AGENCY_CODE: { ja: '機関別符号（ひも付け）', en: "Agency's own code (link)" },
  ELIGIBILITY_NOTICE: { ja: '給付等のお知らせ', en: 'Eligibility notice' },
};

export const OFFICE_WORK_LABELS: Readonly<Record<string, Label>> = {
  'child-allowance-eligibility': { ja: '児童手当の認定', en: 'Child allowance eligibility' },
  'child-allowance-payment': { ja: '児童手当の支給', en: 'Child allowance payment' },
  'child-protection-investigation': { ja: '児童虐待の調査', en: 'Child protection investigation' },
  'deportation-investigation': { ja: '退去強制の調査', en: 'Deportation investigation' },
  'disaster-condolence-grant': { ja: '災害弔慰金の支給', en: 'Disaster condolence grant' },
  'high-school-tuition-support': { ja: '高等学校等就学支援金', en: 'High-school tuition support' },
  'housing-loan-screening': { ja: '住宅ローン審査（本人同意）', en: 'Housing loan screening (consent)' },
  'nursing-care-insurance-benefit': { ja: '介護保険の給付', en: 'Nursing-care insurance benefit' },
  'nursing-care-insurance-premium': { ja: '介護保険料の賦課', en: 'Nursing-care insurance premium' },
  'pension-benefit-payment': { ja: '年金給付の支給', en: 'Pension benefit payment' },
  'pension-recipient-support-benefit': {
    ja: '年金生活者支援給付金',
    en: 'Pension recipient support benefit',
  },
  'permanent-residence-review': { ja: '永住許可の審査', en: 'Permanent residence review' },
  'public-assistance': { ja: '生活保護の決定・実施', en: 'Public assistance' },
  'public-assistance-investigation': { ja: '生活保護の調査', en: 'Public assistance investigation' },
  'residence-status-review': { ja: '在留資格の審査', en: 'Residence status review' },
  'special-cash-benefit-payment': { ja: '特別定額給付金等の支給', en: 'Special cash benefit payment' },
  'special-child-rearing-allowance': { ja: '特別児童扶養手当', en: 'Special child-rearing allowance' },
  'temporary-child-rearing-household-benefit': {
    ja: '子育て世帯臨時特別給付金',
    en: 'Temporary child-rearing household benefit',
  },
  'unemployment-benefit': { ja: '失業等給付', en: 'Unemployment benefit' },
  'vehicle-registration': { ja: '自動車の登録', en: 'Vehicle registration' },
  'winter-heating-subsidy': { ja: '冬季暖房費助成', en: 'Winter heating subsidy' },
};

export const OUTCOME_LABELS: Readonly<Record<string, Label>> = {
  DISCLOSED: { ja: '提供', en: 'Disclosed' },
  REFUSED: { ja: '拒否', en: 'Refused' },
  NOT_FOUND: { ja: '該当なし', en: 'Not found' },
};

export const CHANNEL_LABELS: Readonly<Record<string, Label>> = {
  INQUIRY: { ja: '情報照会', en: 'Inquiry' },
  SUBSCRIPTION: { ja: '変更通知', en: 'Change notification' },
  SELF_INFORMATION: { ja: '本人同意による提供', en: 'Self-information (with consent)' },
  RESIDENT_PORTAL: { ja: '本人による確認', en: 'Resident portal' },
  LINKING: { ja: '申請時のひも付け', en: 'Link at application' },
  NOTICE: { ja: 'プッシュ型のお知らせ', en: 'Eligibility notice' },
};

/** The label of `code` in `labels`, or the code itself in both languages. */
export const labelOf = (labels: Readonly<Record<string, Label>>, code: string): Label =>
  labels[code] ?? { ja: code, en: code };
