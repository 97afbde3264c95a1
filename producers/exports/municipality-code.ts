/**
 * Local government codes (全国地方公共団体コード, JIS X 0401 + 0402): five digits and a
 * check digit. Check digit = last digit of 11 − (Σ digit × weight mod 11), weights 6,5,4,3,2.
 */
const WEIGHTS = [6, 5, 4, 3, 2] as const;

export function municipalityCheckDigit(firstFive: string): number {
  let sum = 0;
  for (let i = 0; i < 5; i++) sum += Number(firstFive[i]) * (WEIGHTS[i] as number);
  return (11 - (sum % 11)) % 10;
}

export type MunicipalityCodeProblem = 'format' | 'check digit';

/** Why a municipality code is not valid, or undefined when it is. */
export function municipalityCodeProblem(code: string): MunicipalityCodeProblem | undefined {
  if (!/^\d{6}$/.test(code)) return 'format';
  const prefecture = Number(code.slice(0, 2));
  if (prefecture < 1 || prefecture > 47) return 'format';
  return municipalityCheckDigit(code.slice(0, 5)) === Number(code[5]) ? undefined : 'check digit';
}

export const isMunicipalityCode = (code: string): boolean => municipalityCodeProblem(code) === undefined;
