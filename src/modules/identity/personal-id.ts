/**
 * The personal identity number (số định danh cá nhân), the number printed on the citizen identity card.
 *
 * Law on Identity 2023 (26/2023/QH15) art. 12: a sequence of 12 digits set by the national population database,
 * unique per citizen; the Government regulates how it is formed. The structure has not changed since Decree
 * 137/2015/NĐ-CP art. 13: "6 số là mã thế kỷ sinh, mã giới tính, mã năm sinh của công dân, mã tỉnh, thành phố
 * trực thuộc trung ương hoặc mã quốc gia nơi công dân đăng ký khai sinh và 6 số là khoảng số ngẫu nhiên". The
 * order of the digits and the code tables are those of Circular 07/2016/TT-BCA art. 7 and its Annex I, kept by
 * Circular 59/2021/TT-BCA art. 7:
 *
 *   digits 1–3   code of the province (or country) where the birth was registered, e.g. 001 Hà Nội, 079 TP HCM
 *   digit  4     century of birth and sex: 20th century (1900–1999) male 0, female 1; 21st 2/3; 22nd 4/5;
 *                23rd 6/7; 24th 8/9
 *   digits 5–6   last two digits of the year of birth
 *   digits 7–12  a random range
 *
 * Example: 001 2 05 012345 is a man born in 2005 whose birth was registered in Hà Nội. There is no check digit, so
 * validation can only check the format, the registration code, and agreement with the birth date and sex given.
 *
 * The registration code is the province of the birth registration, possibly decades ago, so it is checked against
 * the 63 province codes of Annex I, not the 34 provinces in force since 1 July 2025: the numbers already issued do
 * not change when provinces merge.
 */

/**
 * Annex I of Circular 07/2016/TT-BCA (kept by Circular 59/2021/TT-BCA): codes of the 63 provinces and centrally
 * run cities where a birth is registered (the two-digit statistical codes of Decision 124/2004/QĐ-TTg, with a 0).
 */
export const birthRegistrationProvinceCodes: ReadonlyMap<string, string> = new Map([
  ['001', 'Hà Nội'],
  ['002', 'Hà Giang'],
  ['004', 'Cao Bằng'],
  ['006', 'Bắc Kạn'],
  ['008', 'Tuyên Quang'],
  ['010', 'Lào Cai'],
  ['011', 'Điện Biên'],
  ['012', 'Lai Châu'],
  ['014', 'Sơn La'],
  ['015', 'Yên Bái'],
  ['017', 'Hòa Bình'],
  ['019', 'Thái Nguyên'],
  ['020', 'Lạng Sơn'],
  ['022', 'Quảng Ninh'],
  ['024', 'Bắc Giang'],
  ['025', 'Phú Thọ'],
  ['026', 'Vĩnh Phúc'],
  ['027', 'Bắc Ninh'],
  ['030', 'Hải Dương'],
  ['031', 'Hải Phòng'],
  ['033', 'Hưng Yên'],
  ['034', 'Thái Bình'],
  ['035', 'Hà Nam'],
  ['036', 'Nam Định'],
  ['037', 'Ninh Bình'],
  ['038', 'Thanh Hóa'],
  ['040', 'Nghệ An'],
  ['042', 'Hà Tĩnh'],
  ['044', 'Quảng Bình'],
  ['045', 'Quảng Trị'],
  ['046', 'Thừa Thiên Huế'],
  ['048', 'Đà Nẵng'],
  ['049', 'Quảng Nam'],
  ['051', 'Quảng Ngãi'],
  ['052', 'Bình Định'],
  ['054', 'Phú Yên'],
  ['056', 'Khánh Hòa'],
  ['058', 'Ninh Thuận'],
  ['060', 'Bình Thuận'],
  ['062', 'Kon Tum'],
  ['064', 'Gia Lai'],
  ['066', 'Đắk Lắk'],
  ['067', 'Đắk Nông'],
  ['068', 'Lâm Đồng'],
  ['070', 'Bình Phước'],
  ['072', 'Tây Ninh'],
  ['074', 'Bình Dương'],
  ['075', 'Đồng Nai'],
  ['077', 'Bà Rịa - Vũng Tàu'],
  ['079', 'Hồ Chí Minh'],
  ['080', 'Long An'],
  ['082', 'Tiền Giang'],
  ['083', 'Bến Tre'],
  ['084', 'Trà Vinh'],
  ['086', 'Vĩnh Long'],
  ['087', 'Đồng Tháp'],
  ['089', 'An Giang'],
  ['091', 'Kiên Giang'],
  ['092', 'Cần Thơ'],
  ['093', 'Hậu Giang'],
  ['094', 'Sóc Trăng'],
  ['095', 'Bạc Liêu'],
  ['096', 'Cà Mau'],
]);

export type Sex = 'male' | 'female';

export interface PersonalIdParts {
  /** Digits 1–3: province (or country) of birth registration. */
  registrationCode: string;
  /** Digit 4 decoded. */
  sex: Sex;
  /** 20 for 1900–1999, 21 for 2000–2099 ... */
  century: number;
  /** Four-digit year of birth, from digits 4–6. */
  birthYear: number;
  /** Digits 7–12. */
  serial: string;
}

/** Why a personal identity number is refused; each has a message `identity.personalId.<problem>`. */
export type PersonalIdProblem =
  | 'format' // not exactly 12 digits
  | 'registrationCode' // digits 1–3 are not a birth-registration code
  | 'birthYearInFuture' // digits 4–6 give a year after this one
  | 'birthYearMismatch' // digits 4–6 disagree with the birth date given
  | 'sexMismatch'; // digit 4 disagrees with the sex given

export interface PersonalIdFacts {
  /** YYYY-MM-DD, or a Date; omitted or null skips the year check. */
  birthDate?: string | Date | null;
  sex?: Sex | null;
  /** Today, for the "born in the future" check (tests). */
  today?: Date;
  /**
   * Further registration codes to accept: citizens whose birth was registered abroad carry a country code that
   * Annex I does not list (unverified: the table of country codes is not in our sources yet).
   */
  extraRegistrationCodes?: ReadonlySet<string>;
}

/** Removes the spaces and dots people type between groups ("001 205 012345"). */
export function normalisePersonalId(input: string): string {
  return input.replace(/[\s.]/g, '');
}

/** The parts of a well-formed number, or null when it is not 12 digits. */
export function parsePersonalId(id: string): PersonalIdParts | null {
  if (!/^\d{12}$/.test(id)) return null;
  const centuryAndSex = Number(id[3]);
  const centuryIndex = Math.floor(centuryAndSex / 2); // 0 → 20th century, 1 → 21st ...
  return {
    registrationCode: id.slice(0, 3),
    sex: centuryAndSex % 2 === 0 ? 'male' : 'female',
    century: 20 + centuryIndex,
    birthYear: 1900 + centuryIndex * 100 + Number(id.slice(4, 6)),
    serial: id.slice(6),
  };
}

function yearOf(birthDate: string | Date): number | null {
  if (birthDate instanceof Date) return Number.isNaN(birthDate.getTime()) ? null : birthDate.getUTCFullYear();
  const match = /^(\d{4})-\d{2}-\d{2}$/.exec(birthDate);
  return match ? Number(match[1]) : null;
}

/**
 * The problems of a personal identity number given what else the person told us; an empty list means valid.
 * A malformed number reports only `format`.
 */
export function validatePersonalId(id: string, facts: PersonalIdFacts = {}): PersonalIdProblem[] {
  const parts = parsePersonalId(id);
  if (!parts) return ['format'];
  const problems: PersonalIdProblem[] = [];
  if (!birthRegistrationProvinceCodes.has(parts.registrationCode) && !facts.extraRegistrationCodes?.has(parts.registrationCode)) {
    problems.push('registrationCode');
  }
  const thisYear = (facts.today ?? new Date()).getFullYear();
  if (parts.birthYear > thisYear) problems.push('birthYearInFuture');
  const givenYear = facts.birthDate ? yearOf(facts.birthDate) : null;
  if (givenYear !== null && givenYear !== parts.birthYear) problems.push('birthYearMismatch');
  if (facts.sex && facts.sex !== parts.sex) problems.push('sexMismatch');
  return problems;
}
