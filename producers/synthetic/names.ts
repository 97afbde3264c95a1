/** Common Japanese names with their katakana readings (as the resident registry keeps kana). */
export interface NameReading {
  kanji: string;
  kana: string;
}

export interface GivenName extends NameReading {
  gender: 'MALE' | 'FEMALE';
}

const pairs = (text: string): NameReading[] =>
  text
    .trim()
    .split(/\s+/)
    .map((pair) => {
      const [kanji, kana] = pair.split(':');
      return { kanji: kanji as string, kana: kana as string };
    });

export const FAMILY_NAMES: readonly NameReading[] = pairs(`
  佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 田中:タナカ 伊藤:イトウ 渡辺:ワタナベ 山本:ヤマモト 中村:ナカムラ
  小林:コバヤシ 加藤:カトウ 吉田:ヨシダ 山田:ヤマダ 佐々木:ササキ 山口:ヤマグチ 松本:マツモト 井上:イノウエ
  木村:キムラ 林:ハヤシ 斎藤:サイトウ 清水:シミズ 山崎:ヤマザキ 森:モリ 池田:イケダ 橋本:ハシモト
  阿部:アベ 石川:イシカワ 山下:ヤマシタ 中島:ナカジマ 石井:イシイ 小川:オガワ 前田:マエダ 岡田:オカダ
  長谷川:ハセガワ 藤田:フジタ 後藤:ゴトウ 近藤:コンドウ 村上:ムラカミ 遠藤:エンドウ 青木:アオキ 坂本:サカモト
  斉藤:サイトウ 福田:フクダ 太田:オオタ 西村:ニシムラ 藤井:フジイ 金子:カネコ 岡本:オカモト 藤原:フジワラ
  中野:ナカノ 三浦:ミウラ
`);

const MALE = pairs(`
  翔太:ショウタ 大輔:ダイスケ 健太:ケンタ 拓也:タクヤ 翼:ツバサ 蓮:レン 大翔:ヒロト 悠真:ユウマ
  陽翔:ハルト 湊:ミナト 直樹:ナオキ 誠:マコト 浩:ヒロシ 隆:タカシ 茂:シゲル 博:ヒロシ
  健一:ケンイチ 和也:カズヤ 亮:リョウ 剛:ツヨシ 悠斗:ユウト 蒼:アオイ 樹:イツキ 一郎:イチロウ 修:オサム
`).map((n) => ({ ...n, gender: 'MALE' as const }));

const FEMALE = pairs(`
  陽菜:ヒナ 結衣:ユイ 美咲:ミサキ さくら:サクラ 葵:アオイ 凛:リン 花子:ハナコ 恵子:ケイコ
  幸子:サチコ 洋子:ヨウコ 裕子:ユウコ 直美:ナオミ 真由美:マユミ 愛:アイ 彩:アヤ 舞:マイ
  優子:ユウコ 明美:アケミ 結菜:ユイナ 芽依:メイ 紬:ツムギ 陽葵:ヒマリ 美穂:ミホ 智子:トモコ 久美子:クミコ
`).map((n) => ({ ...n, gender: 'FEMALE' as const }));

export const GIVEN_NAMES: readonly GivenName[] = [...MALE, ...FEMALE];
export const MALE_GIVEN_NAMES: readonly GivenName[] = MALE;
export const FEMALE_GIVEN_NAMES: readonly GivenName[] = FEMALE;
