/**
 * Real municipalities with their 6-digit local government codes (check digits verified
 * by a unit test). Designated cities appear as the city, not a ward.
 */
export interface Municipality {
  code: string;
  prefecture: string;
  city: string;
  /** First three digits of the postal codes used for synthetic addresses. */
  postalPrefix: string;
  /** Town names used for synthetic addresses (real or plausible). */
  towns: readonly string[];
}

export const MUNICIPALITIES: readonly Municipality[] = [
  {
    code: '011002',
    prefecture: '北海道',
    city: '札幌市',
    postalPrefix: '060',
    towns: ['中央区北一条西', '北区北十条西', '白石区本通'],
  },
  {
    code: '012025',
    prefecture: '北海道',
    city: '函館市',
    postalPrefix: '040',
    towns: ['本町', '五稜郭町', '湯川町'],
  },
  {
    code: '041009',
    prefecture: '宮城県',
    city: '仙台市',
    postalPrefix: '980',
    towns: ['青葉区一番町', '宮城野区榴岡', '若林区荒町'],
  },
  {
    code: '111007',
    prefecture: '埼玉県',
    city: 'さいたま市',
    postalPrefix: '330',
    towns: ['浦和区高砂', '大宮区桜木町', '中央区下落合'],
  },
  {
    code: '121002',
    prefecture: '千葉県',
    city: '千葉市',
    postalPrefix: '260',
    towns: ['中央区富士見', '美浜区幸町', '稲毛区小仲台'],
  },
  {
    code: '131016',
    prefecture: '東京都',
    city: '千代田区',
    postalPrefix: '100',
    towns: ['九段南', '神田神保町', '麹町'],
  },
  {
    code: '131024',
    prefecture: '東京都',
    city: '中央区',
    postalPrefix: '104',
    towns: ['築地', '日本橋人形町', '月島'],
  },
  {
    code: '131032',
    prefecture: '東京都',
    city: '港区',
    postalPrefix: '105',
    towns: ['芝公園', '三田', '白金台'],
  },
  {
    code: '131041',
    prefecture: '東京都',
    city: '新宿区',
    postalPrefix: '160',
    towns: ['歌舞伎町', '西新宿', '高田馬場'],
  },
  {
    code: '131130',
    prefecture: '東京都',
    city: '渋谷区',
    postalPrefix: '150',
    towns: ['宇田川町', '恵比寿', '代々木'],
  },
  {
    code: '131202',
    prefecture: '東京都',
    city: '練馬区',
    postalPrefix: '176',
    towns: ['豊玉北', '石神井町', '光が丘'],
  },
  {
    code: '132012',
    prefecture: '東京都',
    city: '八王子市',
    postalPrefix: '192',
    towns: ['元本郷町', '明神町', '南大沢'],
  },
  {
    code: '141003',
    prefecture: '神奈川県',
    city: '横浜市',
    postalPrefix: '231',
    towns: ['中区本町', '西区みなとみらい', '港北区日吉'],
  },
  {
    code: '141305',
    prefecture: '神奈川県',
    city: '川崎市',
    postalPrefix: '210',
    towns: ['川崎区宮本町', '中原区小杉町', '高津区溝口'],
  },
  {
    code: '151009',
    prefecture: '新潟県',
    city: '新潟市',
    postalPrefix: '951',
    towns: ['中央区学校町通', '東区下木戸', '西区寺尾'],
  },
  {
    code: '172014',
    prefecture: '石川県',
    city: '金沢市',
    postalPrefix: '920',
    towns: ['広坂', '香林坊', '東山'],
  },
  {
    code: '202011',
    prefecture: '長野県',
    city: '長野市',
    postalPrefix: '380',
    towns: ['鶴賀緑町', '若里', '篠ノ井'],
  },
  {
    code: '221309',
    prefecture: '静岡県',
    city: '浜松市',
    postalPrefix: '430',
    towns: ['中央区元城町', '中央区砂山町', '浜名区貴布祢'],
  },
  {
    code: '231002',
    prefecture: '愛知県',
    city: '名古屋市',
    postalPrefix: '460',
    towns: ['中区三の丸', '千種区今池', '昭和区御器所'],
  },
  {
    code: '261009',
    prefecture: '京都府',
    city: '京都市',
    postalPrefix: '604',
    towns: ['中京区寺町通', '左京区下鴨', '伏見区深草'],
  },
  {
    code: '271004',
    prefecture: '大阪府',
    city: '大阪市',
    postalPrefix: '530',
    towns: ['北区中之島', '中央区難波', '天王寺区上本町'],
  },
  {
    code: '281000',
    prefecture: '兵庫県',
    city: '神戸市',
    postalPrefix: '650',
    towns: ['中央区加納町', '灘区六甲台町', '須磨区中落合'],
  },
  {
    code: '341002',
    prefecture: '広島県',
    city: '広島市',
    postalPrefix: '730',
    towns: ['中区国泰寺町', '南区比治山本町', '安佐南区古市'],
  },
  {
    code: '401307',
    prefecture: '福岡県',
    city: '福岡市',
    postalPrefix: '810',
    towns: ['中央区天神', '博多区博多駅前', '早良区百道浜'],
  },
  {
    code: '472018',
    prefecture: '沖縄県',
    city: '那覇市',
    postalPrefix: '900',
    towns: ['泉崎', '久茂地', '首里当蔵町'],
  },
];

const BY_CODE = new Map(MUNICIPALITIES.map((m) => [m.code, m]));

export const municipalityByCode = (code: string): Municipality | undefined => BY_CODE.get(code);
