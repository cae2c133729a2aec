import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cleanText,
  parseApplicantTypes,
  parseChannels,
  parseLegalBases,
  parseLevels,
  parseProcedure,
  parseRequirements,
  parseResults,
  parseSteps,
  parseVndAmount,
  type RawProcedureRecord,
} from './catalogue.parser.js';

// Fixtures are short excerpts of real records of national-catalogue-2026-07 (the code is given beside each).
const HEADER = 'Hình thức nộpThời gianPhí, lệ phíMô tả';

describe('parseChannels', () => {
  it('parses one row when the duration, the fee and the description run together (1.000178)', () => {
    const [row, ...rest] = parseChannels(
      `${HEADER}Dịch vụ bưu chính60 Ngày làm việcKhông có thông tinThời hạn giải quyết khiếu nại lần đầu không quá 30 ngày, kể từ ngày thụ lý để giải quyết.`,
    );
    assert.equal(rest.length, 0);
    assert.ok(row);
    assert.equal(row.channel, 'post');
    assert.deepEqual(row.durations, [{ value: 60, unit: 'working_day' }]);
    assert.equal(row.durationText, '60 Ngày làm việc');
    assert.equal(row.durationStatus, 'stated');
    assert.equal(row.feeStatus, 'not_stated');
    assert.equal(row.feeText, 'Không có thông tin');
    assert.deepEqual(row.fees, []);
    assert.equal(row.description, 'Thời hạn giải quyết khiếu nại lần đầu không quá 30 ngày, kể từ ngày thụ lý để giải quyết.');
  });

  it('parses every channel row with calendar days, working days, fees and notes (1.000811)', () => {
    const rows = parseChannels(
      `${HEADER}Trực tuyến21 Ngày1,200,000 Việt Nam Đồng(1.200.000đ/thẻ ABTC.)Dịch vụ bưu chính21 Ngày làm việcMiễn phíTrực tiếp21 Ngày1,200,000 Việt Nam Đồng(1.200.000 đồng/thẻ ABTC.)`,
    );
    assert.deepEqual(
      rows.map((r) => r.channel),
      ['online', 'post', 'in_person'],
    );
    const [online, post, inPerson] = rows;
    assert.deepEqual(online?.durations, [{ value: 21, unit: 'day' }]);
    assert.equal(online?.feeStatus, 'stated');
    assert.equal(online?.feeNote, '1.200.000đ/thẻ ABTC.');
    assert.deepEqual(online?.fees, [{ amountVnd: 1_200_000, label: 'Phí, lệ phí', per: 'thẻ ABTC', source: 'cell', inferred: null }]);
    assert.deepEqual(post?.durations, [{ value: 21, unit: 'working_day' }]);
    assert.equal(post?.feeStatus, 'free');
    assert.equal(post?.feeMarkedFree, true);
    assert.deepEqual(post?.fees, []);
    assert.equal(inPerson?.fees[0]?.amountVnd, 1_200_000);
  });

  it('parses a fractional duration when the value has a decimal point (1.013097)', () => {
    const [row] = parseChannels(
      `${HEADER}Trực tuyến1.5 Ngày làm việc40,000 Việt Nam Đồng(- Xe ô tô trên 10 chỗ)- Trường hợp Giấy chứng nhận cải tạo bị mất, hỏng, sai thông tin: trong thời hạn 01 ngày làm việc`,
    );
    assert.deepEqual(row?.durations, [{ value: 1.5, unit: 'working_day' }]);
    assert.equal(row?.fees[0]?.amountVnd, 40_000);
    assert.equal(row?.feeNote, '- Xe ô tô trên 10 chỗ');
    assert.ok(row?.description.startsWith('- Trường hợp Giấy chứng nhận cải tạo'));
  });

  it('parses hours and months when the unit is Giờ or Tháng (1.007885, 1.001010)', () => {
    const [hours] = parseChannels(`${HEADER}Trực tuyến8 GiờMiễn phí`);
    assert.deepEqual(hours?.durations, [{ value: 8, unit: 'hour' }]);
    assert.equal(hours?.feeStatus, 'free');
    const [months] = parseChannels(`${HEADER}Trực tiếp6 Tháng100 USD(100 USD/thẻ.)`);
    assert.deepEqual(months?.durations, [{ value: 6, unit: 'month' }]);
    assert.equal(months?.feeStatus, 'stated');
    assert.deepEqual(months?.fees, []);
    assert.deepEqual(months?.foreignFees, [{ amount: 100, currency: 'USD', label: 'Phí, lệ phí', per: 'thẻ', source: 'cell', inferred: null }]);
  });

  it('parses several durations when one cell states more than one', () => {
    // No record of this catalogue has two durations in one cell; older dumps did ("5 Ngày làm việc - 10 Ngày làm việc").
    const [row] = parseChannels(`${HEADER}Trực tiếp5 Ngày làm việc - 10 Ngày làm việcMiễn phí`);
    assert.deepEqual(row?.durations, [
      { value: 5, unit: 'working_day' },
      { value: 10, unit: 'working_day' },
    ]);
    assert.equal(row?.feeStatus, 'free');
  });

  it('parses several charges when a free-marked cell lists them in its note (1.004359)', () => {
    const rows = parseChannels(
      `${HEADER}Trực tuyến5Miễn phí(Lệ phí cấp mới 40.000đồng/lần; lệ phí cấp lại 20.000 đồng/lần.)Dịch vụ bưu chính5Miễn phí(Lệ phí cấp mới 40.000đồng/lần; lệ phí cấp lại 20.000 đồng/lần.)`,
    );
    assert.equal(rows.length, 2);
    const [row] = rows;
    assert.equal(row?.feeMarkedFree, true);
    assert.equal(row?.feeStatus, 'stated');
    assert.deepEqual(
      row?.fees.map((f) => [f.amountVnd, f.label, f.per]),
      [
        [40_000, 'Lệ phí cấp mới', 'lần'],
        [20_000, 'lệ phí cấp lại', 'lần'],
      ],
    );
    // The duration cell holds only "5": the source gives no unit, so none is invented.
    assert.deepEqual(row?.durations, []);
    assert.equal(row?.durationStatus, 'value_without_unit');
    assert.equal(row?.durationValueWithoutUnit, 5);
  });

  it('parses the charge when the note only says "đồng/lần" (1.002510)', () => {
    const [row] = parseChannels(`${HEADER}Trực tuyến10 Ngày làm việc2,500,000 VNĐ(đồng/lần)`);
    assert.equal(row?.fees[0]?.amountVnd, 2_500_000);
    assert.equal(row?.feeNote, 'đồng/lần');
    assert.equal(row?.description, '');
  });

  it('parses a note that states a reduced rate as a second charge (1.008890)', () => {
    const [row] = parseChannels(
      `${HEADER}Trực tuyến5 Ngày làm việc1,000,000 Việt Nam Đồng(Áp dụng mức phí: 500.000 đồng (Năm trăm nghìn đồng) kể từ ngày 01/7/2025  đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC)`,
    );
    assert.deepEqual(
      row?.fees.map((f) => [f.amountVnd, f.source, f.label]),
      [
        [1_000_000, 'cell', 'Phí, lệ phí'],
        [500_000, 'note', 'Áp dụng mức phí'],
      ],
    );
  });

  it('reads the amount in thousands when the cell says "20 VNĐ" and the note says 20.000 (1.007885)', () => {
    const [row] = parseChannels(`${HEADER}Trực tuyến8 Giờ20 VNĐ(20.000 vnđ / tờ khai)`);
    assert.equal(row?.fees.length, 1);
    assert.equal(row?.fees[0]?.amountVnd, 20_000);
    assert.equal(row?.fees[0]?.per, 'tờ khai');
    assert.match(row?.fees[0]?.inferred ?? '', /the note states it/);
  });

  it('splits a unit-less duration from the amount when the two cells ran together (1.000014)', () => {
    const rows = parseChannels(`${HEADER}Trực tuyến120 VNĐ(20.000 vnđ /tờ khai)Trực tiếp120 VNĐ(20.000 vnđ /tờ khai)`);
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.equal(row.durationText, '1');
      assert.equal(row.durationValueWithoutUnit, 1);
      assert.equal(row.fees[0]?.amountVnd, 20_000);
      assert.match(row.fees[0]?.inferred ?? '', /ran together/);
    }
  });

  it('splits the run where a sibling row confirms the duration (1.007857)', () => {
    const [online, inPerson] = parseChannels(
      `${HEADER}Trực tuyến220 VNĐ(lệ phí hải quan 20.000 đồng/ tờ khai hải quan.)Trực tiếp2 GiờMiễn phí`,
    );
    assert.equal(online?.durationValueWithoutUnit, 2);
    assert.equal(online?.fees[0]?.amountVnd, 20_000);
    assert.equal(online?.fees[0]?.label, 'lệ phí hải quan');
    assert.deepEqual(inPerson?.durations, [{ value: 2, unit: 'hour' }]);
  });

  it('moves the charge to USD when the note names USD for the same number (1.003358)', () => {
    const [row] = parseChannels(`${HEADER}Trực tiếp5 Ngày làm việc155 VNĐ(Thẻ tạm trú có thời hạn từ trên 02 năm đến 05 năm: 155 USD/thẻ.)`);
    assert.deepEqual(row?.fees, []);
    assert.equal(row?.foreignFees[0]?.amount, 155);
    assert.equal(row?.foreignFees[0]?.label, 'Thẻ tạm trú có thời hạn từ trên 02 năm đến 05 năm');
  });

  it('marks the fee unparsed when the cell holds a placeholder amount (1.002055)', () => {
    const [row] = parseChannels(
      `${HEADER}Trực tuyến5 Ngày làm việc1 VNĐ(Tổ chức hành nghề luật sư thực hiện đăng ký hoạt động qua mạng điện tử được miễn lệ phí đăng ký hoạt động của tổ chức hành nghề luật sư.)`,
    );
    assert.equal(row?.feeStatus, 'unparsed');
    assert.deepEqual(row?.fees, []);
  });

  it('reads no duration when the cell is a phrase instead of a time (1.007689)', () => {
    const [row] = parseChannels(
      `${HEADER}Trực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phíBằng phương thức điện tử qua Cổng dịch vụ công Quốc gia`,
    );
    assert.equal(row?.durationText, 'Không phải trả kết quả cho người nộp thuế');
    assert.equal(row?.durationStatus, 'not_stated');
    assert.equal(row?.feeStatus, 'free');
    assert.equal(row?.description, 'Bằng phương thức điện tử qua Cổng dịch vụ công Quốc gia');
  });

  it('reads neither duration nor fee when both say "Không có thông tin" (1.000232)', () => {
    const rows = parseChannels(
      `${HEADER}Trực tiếpKhông có thông tinKhông có thông tinnộp hồ sơ trực tiếp tại trụ sở Cục Quản lý xuất nhập cảnh.Dịch vụ bưu chínhKhông có thông tinKhông có thông tinGửi hồ sơ và nhận kết quả qua đường bưu điện.`,
    );
    assert.equal(rows.length, 2);
    assert.equal(rows[0]?.durationStatus, 'not_stated');
    assert.equal(rows[0]?.feeStatus, 'not_stated');
    assert.equal(rows[0]?.description, 'nộp hồ sơ trực tiếp tại trụ sở Cục Quản lý xuất nhập cảnh.');
    assert.equal(rows[1]?.description, 'Gửi hồ sơ và nhận kết quả qua đường bưu điện.');
  });

  it('keeps channel names quoted in a description inside that description (1.014907)', () => {
    const rows = parseChannels(
      `${HEADER}Trực tiếp15 Ngày làm việcMiễn phí- Trực tuyến: nộp trực tuyến qua Cổng dịch vụ công Bộ Công an. - Trực tiếp: tại Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao.Trực tuyến15 Ngày làm việcMiễn phí`,
    );
    assert.deepEqual(
      rows.map((r) => r.channel),
      ['in_person', 'online'],
    );
    assert.ok(rows[0]?.description.includes('- Trực tiếp: tại Cục An ninh mạng'));
  });

  it('opens no row when a description ends in a channel word glued to the next label', () => {
    const rows = parseChannels(`${HEADER}Trực tiếp2 Ngày làm việcMiễn phíNộp hồ sơ qua hình thức Trực tuyếnTrực tiếp3 Ngày làm việcMiễn phí`);
    assert.deepEqual(
      rows.map((r) => [r.channel, r.description]),
      [
        ['in_person', 'Nộp hồ sơ qua hình thức Trực tuyến'],
        ['in_person', ''],
      ],
    );
  });

  it('parses channels when the text is in decomposed Unicode (3.000394)', () => {
    const nfc = `${HEADER}Trực tiếp3 Ngày làm việc10,000 Việt Nam Đồng(10.000 đồng/khẩu-chiếc)Trong thời hạn 03 ngày làm việc kể từ ngày nhận đủ hồ sơ`;
    const decomposed = nfc.normalize('NFD');
    assert.notEqual(decomposed, nfc);
    const [row] = parseChannels(decomposed);
    assert.equal(row?.channel, 'in_person');
    assert.deepEqual(row?.durations, [{ value: 3, unit: 'working_day' }]);
    assert.deepEqual(
      row?.fees.map((f) => [f.amountVnd, f.per]),
      [[10_000, 'khẩu-chiếc']],
    );
    assert.equal(row?.description, 'Trong thời hạn 03 ngày làm việc kể từ ngày nhận đủ hồ sơ');
  });

  it('keeps the description when a fee note never closes its bracket (1.003528)', () => {
    const [row] = parseChannels(
      `${HEADER}Trực tuyến3 Ngày làm việc1,500,000 VNĐ(1.500.000 đồng/lần(Lệ phí đăng ký quyền chiếm hữu tàu bay (Miễn lệ phí từ ngày 07/4/2026 đến 30/6/2026 theo quy định tại Thông tư 40/2026/TT-BTC)- Nộp hồ sơ trực tiếp; hoặc`,
    );
    assert.equal(row?.fees[0]?.amountVnd, 1_500_000);
    assert.equal(row?.description, '- Nộp hồ sơ trực tiếp; hoặc');
  });

  it('returns no rows when the table is missing', () => {
    assert.deepEqual(parseChannels(''), []);
    assert.deepEqual(parseChannels('Không có thông tin'), []);
    assert.deepEqual(parseChannels(HEADER), []);
  });
});

describe('parseRequirements', () => {
  it('parses names and counts when every row is one original (1.000178)', () => {
    const rows = parseRequirements(
      '--Tên giấy tờMẫu đơn, tờ khaiSố lượngTài liệu, chứng cứ do các bên cung cấp1 bản chínhQuyết định giải quyết khiếu nại1 bản chínhBiên bản tổ chức đối thoại (nếu có)1 bản chính',
    );
    assert.deepEqual(
      rows.map((r) => [r.name, r.originals, r.copies, r.countText, r.group, r.formTemplate]),
      [
        ['Tài liệu, chứng cứ do các bên cung cấp', 1, 0, '1 bản chính', null, null],
        ['Quyết định giải quyết khiếu nại', 1, 0, '1 bản chính', null, null],
        ['Biên bản tổ chức đối thoại (nếu có)', 1, 0, '1 bản chính', null, null],
      ],
    );
  });

  it('parses document names when they are in decomposed Unicode (1.000178)', () => {
    const rows = parseRequirements(
      '--Tên giấy tờMẫu đơn, tờ khaiSố lượngBa\u0301o ca\u0301o kê\u0301t qua\u0309 xa\u0301c minh nô\u0323i dung khiê\u0301u na\u0323i1 bản chính',
    );
    assert.equal(rows[0]?.name, 'Báo cáo kết quả xác minh nội dung khiếu nại');
    assert.equal(rows[0]?.originals, 1);
  });

  it('separates the form template file when it is glued to the name (1.000823, 1.002693)', () => {
    const rows = parseRequirements(
      '--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị chuyển đổi Giấy phép theo Mẫu số 08 quy định tại Phụ lục II ban hành kèm theo Nghị định số 121/2021/NĐ-CP ngày 27/12/2021;Mus08.docx1 bản chínhĐơn đề nghị cấp giấy phép chặt hạ, dịch chuyển cây xanh theo Mẫu số 01 Phụ lục I của Nghị định số 258/2025/NĐ-CPMẫu số 01.docx1 bản chính',
    );
    assert.equal(
      rows[0]?.name,
      'Đơn đề nghị chuyển đổi Giấy phép theo Mẫu số 08 quy định tại Phụ lục II ban hành kèm theo Nghị định số 121/2021/NĐ-CP ngày 27/12/2021;',
    );
    assert.equal(rows[0]?.formTemplate, 'Mus08.docx');
    assert.equal(rows[1]?.name, 'Đơn đề nghị cấp giấy phép chặt hạ, dịch chuyển cây xanh theo Mẫu số 01 Phụ lục I của Nghị định số 258/2025/NĐ-CP');
    assert.equal(rows[1]?.formTemplate, 'Mẫu số 01.docx');
  });

  it('lists every template when a row links several files (1.000055)', () => {
    const [row] = parseRequirements('--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị theo mẫu;Mus01.docxPhlcIV.docx1 bản chính');
    assert.deepEqual(row?.formTemplates, ['Mus01.docx', 'PhlcIV.docx']);
    assert.equal(row?.formTemplate, 'Mus01.docx');
    assert.equal(row?.name, 'Đơn đề nghị theo mẫu;');
  });

  it('parses copies only when the count is "0 bản chính,1 bản sao" (1.002693)', () => {
    const [row] = parseRequirements(
      '--Tên giấy tờMẫu đơn, tờ khaiSố lượngẢnh chụp hiện trạng cây xanh đô thị cần chặt hạ, dịch chuyển0 bản chính,1 bản sao',
    );
    assert.deepEqual([row?.name, row?.originals, row?.copies, row?.countText], [
      'Ảnh chụp hiện trạng cây xanh đô thị cần chặt hạ, dịch chuyển',
      0,
      1,
      '0 bản chính,1 bản sao',
    ]);
  });

  it('keeps a trailing year or form number in the name when the count is glued to it (1.014981, 1.012781)', () => {
    const rows = parseRequirements(
      '--Tên giấy tờMẫu đơn, tờ khaiSố lượngVăn bản đề nghị ghi đầy đủ nội dung theo mẫu quy định tại Phụ lục IX ban hành kèm theo Nghị định số 56/2023/NĐ-CP ngày 24/7/20231 bản chínhĐơn đăng ký biến động đất đai, tài sản gắn liền với đất theo Mẫu số 181 bản chính,1 bản sao',
    );
    assert.equal(rows[0]?.name.endsWith('ngày 24/7/2023'), true);
    assert.equal(rows[0]?.originals, 1);
    assert.equal(rows[1]?.name, 'Đơn đăng ký biến động đất đai, tài sản gắn liền với đất theo Mẫu số 18');
    assert.deepEqual([rows[1]?.originals, rows[1]?.copies], [1, 1]);
  });

  it('keeps a count quoted inside the name out of the count column (1.000096)', () => {
    const rows = parseRequirements(
      '--Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai hàng hóa xuất khẩu trị giá thấp: 01 bản chính1 bản chínhHóa đơn thương mại (nếu có): 01 bản chụp0 bản chính,1 bản sao',
    );
    assert.deepEqual(
      rows.map((r) => [r.name, r.originals, r.copies]),
      [
        ['Tờ khai hàng hóa xuất khẩu trị giá thấp: 01 bản chính', 1, 0],
        ['Hóa đơn thương mại (nếu có): 01 bản chụp', 0, 1],
      ],
    );
  });

  it('names the group of each document when the list has several cases (1.003777)', () => {
    const rows = parseRequirements(
      'Hồ sơ hưởng chế độ hằng tháng chuyển đến Sở Lao động - Thương binh và Xã hội nơi cán bộ, chiến sĩ thường trú để thực hiện chế độ, gồm:Tên giấy tờMẫu đơn, tờ khaiSố lượngBản khai cá nhân (Mẫu số 03).Mẫu 03.TT41.doc1 bản chínhGiấy giới thiệu của Cục Tổ chức cán bộ (Mẫu số 06);Mẫu 06.TT41.doc1 bản chínhHồ sơ đề nghị xét hưởng chế độ trợ cấp Tên giấy tờMẫu đơn, tờ khaiSố lượngkèm theo danh sách đề nghị giải quyết chế độ trợ cấp của Công an cấp tỉnh nơi cán bộ, chiến sĩ thường trú (Mẫu số 02);Mẫu 02.TT41.doc1 bản chính',
    );
    assert.equal(rows.length, 3);
    assert.equal(
      rows[0]?.group,
      'Hồ sơ hưởng chế độ hằng tháng chuyển đến Sở Lao động - Thương binh và Xã hội nơi cán bộ, chiến sĩ thường trú để thực hiện chế độ, gồm',
    );
    assert.equal(rows[0]?.name, 'Bản khai cá nhân (Mẫu số 03).');
    assert.equal(rows[0]?.formTemplate, 'Mẫu 03.TT41.doc');
    assert.equal(rows[1]?.group, rows[0]?.group);
    assert.equal(rows[2]?.group, 'Hồ sơ đề nghị xét hưởng chế độ trợ cấp');
    assert.equal(rows[2]?.formTemplate, 'Mẫu 02.TT41.doc');
  });

  it('returns no documents when the list is empty', () => {
    assert.deepEqual(parseRequirements('--'), []);
    assert.deepEqual(parseRequirements(''), []);
    assert.deepEqual(parseRequirements('--Tên giấy tờMẫu đơn, tờ khaiSố lượng'), []);
  });
});

describe('parseSteps', () => {
  it('parses numbered steps when each starts with "Bước N:" (1.000178)', () => {
    const steps = parseSteps(
      'Bước 1: Thụ lý giải quyết khiếu nại\n\nNếu khiếu nại thuộc thẩm quyền giải quyết của Bộ Công an thì người khiếu nại phải gửi đơn.\nBước 2: Kiểm tra lại quyết định hành chính, hành vi hành chính bị khiếu nại.\nBước 3: Xác minh nội dung khiếu nại',
    );
    assert.deepEqual(
      steps.map((s) => [s.order, s.title, s.body, s.group]),
      [
        [1, 'Thụ lý giải quyết khiếu nại', 'Nếu khiếu nại thuộc thẩm quyền giải quyết của Bộ Công an thì người khiếu nại phải gửi đơn.', null],
        [2, 'Kiểm tra lại quyết định hành chính, hành vi hành chính bị khiếu nại.', '', null],
        [3, 'Xác minh nội dung khiếu nại', '', null],
      ],
    );
  });

  it('names the case of each sequence when the numbering restarts (1.013965)', () => {
    const steps = parseSteps(
      'a) Trường hợp sử dụng đất kết hợp vào mục đích thương mại, dịch vụ\nBước 1: Người có nhu cầu nộp hồ sơ đến Trung tâm Phục vụ hành chính công.\nBước 2: Cơ quan có chức năng quản lý đất đai cấp xã thẩm định phương án.\nb) Trường hợp gia hạn phương án sử dụng đất kết hợp vào mục đích thương mại, dịch vụ\nBước 1: Người có yêu cầu gia hạn gửi văn bản đề nghị.\nBước 2: Chủ tịch Ủy ban nhân dân cấp xã chấp thuận hoặc không chấp thuận gia hạn.',
    );
    assert.deepEqual(
      steps.map((s) => [s.order, s.group]),
      [
        [1, 'a) Trường hợp sử dụng đất kết hợp vào mục đích thương mại, dịch vụ'],
        [2, 'a) Trường hợp sử dụng đất kết hợp vào mục đích thương mại, dịch vụ'],
        [1, 'b) Trường hợp gia hạn phương án sử dụng đất kết hợp vào mục đích thương mại, dịch vụ'],
        [2, 'b) Trường hợp gia hạn phương án sử dụng đất kết hợp vào mục đích thương mại, dịch vụ'],
      ],
    );
    assert.equal(steps[1]?.body, '');
  });

  it('parses steps when "Bước N" follows a section number (1.000801)', () => {
    const steps = parseSteps(
      '6.1.1. Bước 1 nộp hồ sơ: Tổ chức, cá nhân đề nghị cấp Giấy phép nhận chìm ở biển nộp 01 bộ hồ sơ cho VPMC.\n6.1.2. Bước 2 kiểm tra hồ sơ: Công chức VPMC có trách nhiệm kiểm tra thành phần, nội dung, số lượng hồ sơ.',
    );
    assert.deepEqual(
      steps.map((s) => [s.order, s.title]),
      [
        [1, 'nộp hồ sơ'],
        [2, 'kiểm tra hồ sơ'],
      ],
    );
    assert.equal(steps[0]?.body, 'Tổ chức, cá nhân đề nghị cấp Giấy phép nhận chìm ở biển nộp 01 bộ hồ sơ cho VPMC.');
  });

  it('finds the first step when "Bước 1" follows a heading on the same line (1.009551)', () => {
    const steps = parseSteps(
      'Nộp hồ sơ Bước 1: Công ty quản lý quỹ đầu tư chứng khoán nộp hồ sơ đến UBCKNN.\nBước 2: UBCKNN (Bộ phận một cửa) tiếp nhận và kiểm tra danh mục hồ sơ.',
    );
    assert.deepEqual(
      steps.map((s) => [s.order, s.group]),
      [
        [1, 'Nộp hồ sơ'],
        [2, 'Nộp hồ sơ'],
      ],
    );
  });

  it('parses lettered stages when there is no "Bước" (1.000279)', () => {
    const steps = parseSteps(
      'a) Nộp hồ sơ TTHC: Tổ chức, cá nhân nộp 01 (một) bộ hồ sơ trực tiếp tại Cục Hàng hải và Đường thủy Việt Nam.\nb) Giải quyết TTHC: -\tCục Hàng hải và Đường thủy Việt Nam nhận hồ sơ, kiểm tra thành phần, số lượng hồ sơ:\n+ Trường hợp nộp trực tiếp, nếu hồ sơ không đầy đủ thì trả lại hồ sơ.',
    );
    assert.deepEqual(
      steps.map((s) => [s.order, s.title]),
      [
        [1, 'Nộp hồ sơ TTHC'],
        [2, 'Giải quyết TTHC'],
      ],
    );
    assert.ok(steps[1]?.body.includes('+ Trường hợp nộp trực tiếp'));
  });

  it('parses bullet items as steps when the text is a dash list (1.012907)', () => {
    const steps = parseSteps(
      '- Người có chứng chỉ bị mất, bị rách, bị cháy, bị hủy hoại chứng chỉ do thiên tai hoặc lý do bất khả kháng khác nộp 01 bộ hồ sơ đến Sở Xây dựng.\n- Trong thời hạn 10 ngày làm việc kể từ ngày nhận đủ hồ sơ, Sở Xây dựng đã cấp chứng chỉ kiểm tra hồ sơ và cấp lại chứng chỉ.',
    );
    assert.equal(steps.length, 2);
    assert.equal(steps[1]?.order, 2);
    assert.equal(
      steps[0]?.title,
      'Người có chứng chỉ bị mất, bị rách, bị cháy, bị hủy hoại chứng chỉ do thiên tai hoặc lý do bất khả kháng khác nộp 01 bộ hồ sơ đến Sở Xây dựng.',
    );
    assert.equal(steps[0]?.body, '');
  });

  it('keeps a long first line whole in the body and shortens the title (1.012063 shape)', () => {
    const [step] = parseSteps(
      'Bước 1: Tổ chức nộp 01 bộ hồ sơ đề nghị ghi nhận tổ chức dịch vụ đại diện quyền đối với giống cây trồng đến cơ quan được Chủ tịch Ủy ban nhân dân cấp tỉnh giao tiếp nhận hồ sơ. Hồ sơ gồm văn bản đề nghị và bản sao giấy chứng nhận.',
    );
    assert.ok(step);
    assert.ok(step.title.length < 130);
    assert.ok(step.body.startsWith('Tổ chức nộp 01 bộ hồ sơ đề nghị ghi nhận tổ chức dịch vụ đại diện quyền'));
    assert.ok(step.body.endsWith('bản sao giấy chứng nhận.'));
  });

  it('returns no steps when the text is empty', () => {
    assert.deepEqual(parseSteps(''), []);
  });
});

describe('parseLegalBases', () => {
  it('parses title and code when each row ends with its code (1.000178)', () => {
    const bases = parseLegalBases(
      'Tên văn bản pháp lýMã văn bảnHướng dẫn xử lý khiếu nại, kiến nghị, phản ánh; giải quyết khiếu nại và quản lý công tác giải quyết khiếu nại trong công an nhân dân68/2013/TT-BCALuật Khiếu nại  năm 201102/2011/QH13Quy định quy trình giải quyết khiếu nại trong công an nhân dân11/2015/TT-BCANghị định 05/2012/NĐ-CP05/2012/NĐ-CP',
    );
    assert.deepEqual(bases, [
      {
        title:
          'Hướng dẫn xử lý khiếu nại, kiến nghị, phản ánh; giải quyết khiếu nại và quản lý công tác giải quyết khiếu nại trong công an nhân dân',
        code: '68/2013/TT-BCA',
      },
      { title: 'Luật Khiếu nại năm 2011', code: '02/2011/QH13' },
      { title: 'Quy định quy trình giải quyết khiếu nại trong công an nhân dân', code: '11/2015/TT-BCA' },
      { title: 'Nghị định 05/2012/NĐ-CP', code: '05/2012/NĐ-CP' },
    ]);
  });

  it('stops a code at the legislature number when the next row starts with digits (1.007664)', () => {
    const bases = parseLegalBases(
      'Tên văn bản pháp lýMã văn bảnLuật 54/2014/QH1354/2014/QH13Thuế xuất khẩu, thuế nhập khẩu107/2016/QH13Quy định chi tiết một số điều và biện pháp thi hành Luật thuế xuất khẩu, thuế nhập khẩu134/2016/NĐ-CP',
    );
    assert.deepEqual(
      bases.map((b) => b.code),
      ['54/2014/QH13', '107/2016/QH13', '134/2016/NĐ-CP'],
    );
    assert.equal(bases[0]?.title, 'Luật 54/2014/QH13');
  });

  it('drops the document type that belongs to the code cell (1.004385)', () => {
    const bases = parseLegalBases(
      'Tên văn bản pháp lýMã văn bảnNghị quyết của Chính phủ về cắt giảm, phân cấp, đơn giản hóa thủ tục hành chính.Nghị quyết số 17/2026/NQ-CP Luật 08/2017/QH1408/2017/QH14',
    );
    assert.deepEqual(bases, [
      { title: 'Nghị quyết của Chính phủ về cắt giảm, phân cấp, đơn giản hóa thủ tục hành chính.', code: '17/2026/NQ-CP' },
      { title: 'Luật 08/2017/QH14', code: '08/2017/QH14' },
    ]);
  });

  it('returns nothing when the table is missing', () => {
    assert.deepEqual(parseLegalBases('Không có thông tin'), []);
    assert.deepEqual(parseLegalBases(''), []);
  });
});

describe('parseResults', () => {
  it('parses the name and code when there is one result (1.000178)', () => {
    assert.deepEqual(parseResults('Quyết định giải quyết khiếu nại lần 1, lần 2Mã: KQ.G01.00262Từ khóaKhông có thông tinMô tảKhông có thông tin'), [
      { name: 'Quyết định giải quyết khiếu nại lần 1, lần 2', code: 'KQ.G01.00262' },
    ]);
  });

  it('parses every result when codes run into the next name (1.012781 shape)', () => {
    assert.deepEqual(
      parseResults(
        'Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất.Mã: KQ.G10.001148Quyết định giao đất, cho thuê đất, giao khu vực biển để lấn biểnMã: KQ.G10.000874Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phố',
      ),
      [
        { name: 'Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất.', code: 'KQ.G10.001148' },
        { name: 'Quyết định giao đất, cho thuê đất, giao khu vực biển để lấn biển', code: 'KQ.G10.000874' },
      ],
    );
  });

  it('gives no code when the code field holds prose (1.014952)', () => {
    assert.deepEqual(parseResults('Mã số cơ sở chăn nuôi.Mã: Chưa xác địnhTừ khóaKhông có thông tinMô tảKhông có thông tin'), [
      { name: 'Mã số cơ sở chăn nuôi.', code: null },
    ]);
  });

  it('returns nothing when the field is empty', () => {
    assert.deepEqual(parseResults(''), []);
  });
});

describe('small fields', () => {
  it('maps levels when several are listed', () => {
    assert.deepEqual(parseLevels('Cấp bộ, Cấp tỉnh, Cấp xã'), ['ministry', 'province', 'commune']);
    assert.deepEqual(parseLevels('Cấp xã, Cơ quan khác'), ['commune', 'other']);
    assert.deepEqual(parseLevels(''), []);
  });

  it('keeps commas inside brackets and lower-case continuations when splitting applicants', () => {
    assert.deepEqual(parseApplicantTypes('Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam, Cán bộ, công chức, viên chức'), [
      'Tổ chức (không bao gồm doanh nghiệp, HTX)',
      'Công dân Việt Nam',
      'Cán bộ, công chức, viên chức',
    ]);
  });

  it('parses đồng amounts when written with dots, commas, "đ" or "triệu"', () => {
    assert.equal(parseVndAmount('50.000 Đồng'), 50_000);
    assert.equal(parseVndAmount('1.500.000đ'), 1_500_000);
    assert.equal(parseVndAmount('Lệ phí : 50.000 Đồng'), 50_000);
    assert.equal(parseVndAmount('2,000,000 Việt Nam Đồng'), 2_000_000);
    assert.equal(parseVndAmount('+ Dưới 50 tỷ: 10 triệu đồng/ Giấy chứng nhận'), 10_000_000);
    assert.equal(parseVndAmount('8.000.000/lần'), 8_000_000);
    assert.equal(parseVndAmount('Miễn phí'), null);
    assert.equal(parseVndAmount('10 USD'), null);
    assert.equal(parseVndAmount('Thông tư số 47/2019/TT-BTC'), null);
  });

  it('normalises decomposed text to NFC and folds odd spaces', () => {
    assert.equal(cleanText('Ma\u0302\u0303u\u00a0NA2'), 'Mẫu NA2');
    assert.equal(cleanText(undefined), '');
  });
});

describe('parseProcedure', () => {
  const base: RawProcedureRecord = {
    ma_thu_tuc: '1.000178',
    ten_thu_tuc: 'Giải quyết khiếu nại về quyết định hành chính, hành vi hành chính của công dân đối với lực lượng Công an nhân dân (thực hiện tại cấp Trung ương)',
    detail_url: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bf7-4fc1-768b-9ba3-94be4bca58ee',
    so_quyet_dinh: 'QĐ/0001-BCA',
    cap_thuc_hien: 'Cấp bộ',
    loai_thu_tuc: 'TTHC được giao luật quy định chi tiết',
    linh_vuc: 'Khiếu nại, tố cáo',
    doi_tuong_thuc_hien: 'Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam',
    co_quan_co_tham_quyen: 'Bộ Công an',
    co_quan_thuc_hien: 'Thanh tra Bộ',
    dia_chi_tiep_nhan: '',
    thu_tuc_lien_quan: 'Không có thông tin',
    trinh_tu_thuc_hien: 'Bước 1: Thụ lý giải quyết khiếu nại\nBước 2: Kiểm tra lại quyết định hành chính',
    cach_thuc_thuc_hien: `${HEADER}Dịch vụ bưu chính60 Ngày làm việcKhông có thông tinThời hạn giải quyết khiếu nại lần đầu không quá 30 ngàyTrực tiếp60 Ngày làm việcKhông có thông tinThời hạn giải quyết khiếu nại lần đầu không quá 30 ngày`,
    thanh_phan_ho_so: '--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn khiếu nại hoặc bản ghi nội dung khiếu nại1 bản chính',
    can_cu_phap_ly: 'Tên văn bản pháp lýMã văn bảnNghị định 05/2012/NĐ-CP05/2012/NĐ-CP',
    yeu_cau_dieu_kien: 'Không có thông tin',
    ket_qua_xu_ly: 'Quyết định giải quyết khiếu nại lần 1, lần 2Mã: KQ.G01.00262Từ khóaKhông có thông tinMô tảKhông có thông tin',
    _source_ministry_dir: 'bo-cong-an',
  };

  it('parses a whole record and keeps the raw record beside it (1.000178)', () => {
    const p = parseProcedure(base);
    assert.equal(p.code, '1.000178');
    assert.equal(p.sector, 'Khiếu nại, tố cáo');
    assert.deepEqual(p.levels, ['ministry']);
    assert.deepEqual(p.applicantTypes, ['Tổ chức (không bao gồm doanh nghiệp, HTX)', 'Công dân Việt Nam']);
    assert.equal(p.channels.length, 2);
    assert.equal(p.onlineOffered, false);
    assert.equal(p.requirements.length, 1);
    assert.equal(p.steps.length, 2);
    assert.deepEqual(p.legalBases, [{ title: 'Nghị định 05/2012/NĐ-CP', code: '05/2012/NĐ-CP' }]);
    assert.deepEqual(p.results, [{ name: 'Quyết định giải quyết khiếu nại lần 1, lần 2', code: 'KQ.G01.00262' }]);
    assert.equal(p.relatedProcedures, '');
    assert.equal(p.conditions, '');
    assert.equal(p.sourceUrl, base['detail_url']);
    assert.equal(p.sourceMinistry, 'bo-cong-an');
    assert.equal(p.raw, base);
    assert.deepEqual(p.problems, []);
  });

  it('glues the steps back together when the source cut them at "Thành phần hồ sơ" (1.001521)', () => {
    const p = parseProcedure({
      ...base,
      ma_thu_tuc: '1.001521',
      trinh_tu_thuc_hien: 'Bước 1. Lập, nộp hồ sơ NLĐ lập hồ sơ theo quy định tại mục 5.3 (',
      thanh_phan_ho_so:
        '); nộp hồ sơ cho cơ quan BHXH nơi đang chi trả trợ cấp.\nBước 2. Cơ quan BHXH tiếp nhận hồ sơ và giải quyết theo quy định.\nBước 3. Nhận kết quả giải quyết',
    });
    assert.deepEqual(
      p.steps.map((s) => s.order),
      [1, 2, 3],
    );
    assert.ok(p.steps[0]?.title.includes('mục 5.3 (Thành phần hồ sơ); nộp hồ sơ'));
    assert.deepEqual(p.requirements, []);
    assert.match(p.problems.join('\n'), /document list is missing/);
  });

  it('glues the channels back together when the source cut a fee note at "Căn cứ pháp lý" (3.000337)', () => {
    const p = parseProcedure({
      ...base,
      ma_thu_tuc: '3.000337',
      cach_thuc_thuc_hien: `${HEADER}Trực tuyến1 Ngày100 VNĐ(`,
      can_cu_phap_ly:
        ': Thông tư 269/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính quy định mức thu, chế độ thu, nộp, quản lý và sử dụng phí và lệ phí thuộc lĩnh vực an toàn thông tin.)Dịch vụ bưu chính1 Ngày100 VNĐ(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC.)',
    });
    assert.equal(p.channels.length, 2);
    assert.ok(p.channels[0]?.feeNote.startsWith('Căn cứ pháp lý: Thông tư 269/2016/TT-BTC'));
    assert.equal(p.channels[1]?.channel, 'post');
    assert.deepEqual(p.legalBases, []);
    assert.match(p.problems.join('\n'), /legal basis table is missing/);
  });

  it('notes the missing basics when a record lacks a sector', () => {
    const p = parseProcedure({ ...base, linh_vuc: '' });
    assert.ok(p.problems.includes('record has no sector'));
  });
});
