// i18n.js - the message catalogue of the web pages: Vietnamese first,
// English second. Every string the pages show comes from here; elements in
// the HTML name their string with data-i18n (textContent), data-i18n-ph
// (placeholder) or data-i18n-label (aria-label).

const vi = {
  'app.name': 'Thi tìm hiểu an toàn thông tin',
  'app.tagline': 'Kiến thức an toàn thông tin, an ninh mạng cho mọi người',
  'nav.home': 'Trang chủ',
  'nav.admin': 'Quản trị',
  'nav.logout': 'Đăng xuất',
  'nav.lang': 'English',
  'nav.back': '← Về danh sách bài thi',
  'common.loading': 'Đang tải…',
  'common.required': '(bắt buộc)',
  'common.optional': '(không bắt buộc)',
  'common.yes': 'Có',
  'common.no': 'Không',
  'common.send': 'Gửi',
  'common.minutes': '{n} phút',
  'common.unlimited': 'không giới hạn',

  'login.title': 'Đăng nhập',
  'login.username': 'Tên đăng nhập',
  'login.password': 'Mật khẩu',
  'login.show_password': 'Hiện mật khẩu',
  'login.submit': 'Đăng nhập',
  'login.busy': 'Đang đăng nhập…',
  'login.card_busy': 'Đang đăng nhập bằng thẻ…',
  'login.no_account': 'Chưa có tài khoản?',
  'login.register': 'Đăng ký tài khoản',
  'login.expired': 'Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.',

  'quizzes.title': 'Bài thi của bạn',
  'quizzes.hello': 'Xin chào, {name}',
  'quizzes.admin_entry': 'Quản trị: danh sách, số lượng, báo cáo',
  'quizzes.empty': 'Hiện chưa có bài thi nào dành cho bạn.',
  'quizzes.kind.quiz': 'Bài kiểm tra',
  'quizzes.kind.contest': 'Cuộc thi',
  'quizzes.state.upcoming': 'Sắp mở',
  'quizzes.state.open': 'Đang mở',
  'quizzes.state.closed': 'Đã đóng',
  'quizzes.time_limit': 'Thời gian: {v}',
  'quizzes.questions': 'Số câu: {n}',
  'quizzes.window': 'Từ {from} đến {to}',
  'quizzes.attempts': 'Lượt đã làm: {used}/{max}',
  'quizzes.attempts_nolimit': 'Lượt đã làm: {used}',
  'quizzes.best': 'Kết quả tốt nhất: {score}/{max} điểm ({percent}%)',
  'quizzes.best_none': 'Chưa có kết quả',
  'quizzes.start': 'Làm bài',
  'quizzes.no_attempts': 'Đã hết lượt làm bài',
  'quizzes.leaderboard': 'Bảng xếp hạng',

  'pw.title': 'Đổi mật khẩu',
  'pw.old': 'Mật khẩu hiện tại',
  'pw.new': 'Mật khẩu mới',
  'pw.repeat': 'Nhập lại mật khẩu mới',
  'pw.submit': 'Đổi mật khẩu',
  'pw.mismatch': 'Hai lần nhập mật khẩu mới không giống nhau.',
  'pw.done': 'Đã đổi mật khẩu.',

  'register.title': 'Đăng ký tài khoản',
  'register.intro': 'Chọn cuộc thi đang mở đăng ký, tìm trường hoặc đơn vị của bạn, rồi điền thông tin. Tài khoản được tính vào số liệu của đơn vị sau khi đơn vị xác nhận.',
  'register.full_name': 'Họ và tên',
  'register.birth_year': 'Năm sinh',
  'register.unit_hint': 'Gõ tên hoặc mã trường để tìm',
  'register.audience': 'Đối tượng',
  'register.phone': 'Số điện thoại',
  'register.password_hint': 'Ít nhất 10 ký tự; không dùng tên đăng nhập hay mật khẩu dễ đoán.',
  'register.submit': 'Đăng ký',
  'register.done': 'Đã tạo tài khoản {username}. Bạn có thể đăng nhập ngay.',
  'register.to_login': 'Đến trang đăng nhập',
  'register.have_account': 'Đã có tài khoản? Đăng nhập',
  'admin.confirm.title': 'Người tự đăng ký chờ xác nhận',
  'admin.confirm.intro': 'Người tự đăng ký dự thi chỉ được tính vào số đã đăng ký, số lượng và tỷ lệ tham gia của đơn vị sau khi đơn vị xác nhận họ thuộc đơn vị.',
  'admin.confirm.none': 'Không có ai chờ xác nhận.',
  'admin.confirm.one': 'Xác nhận',
  'admin.confirm.all': 'Xác nhận tất cả',
  'admin.confirm.done': 'Đã xác nhận {name}.',
  'admin.confirm.done_all': 'Đã xác nhận {n} người.',
  'admin.confirm.col.name': 'Họ và tên',
  'admin.confirm.col.username': 'Tên đăng nhập',
  'admin.confirm.col.unit': 'Đơn vị',
  'admin.confirm.col.contest': 'Cuộc thi',
  'admin.confirm.col.action': 'Xác nhận',
  'register.unit': 'Trường / đơn vị',
  'register.contest': 'Cuộc thi',
  'register.scope': 'Dành cho: {audiences} thuộc {unit}{until}',
  'register.until': ', hạn đăng ký {date}',
  'register.none_open': 'Hiện chưa có cuộc thi nào mở đăng ký. Vui lòng liên hệ nhà trường hoặc đơn vị tổ chức.',
  'register.unit_picked': 'Đã chọn: {name} ({code})',
  'register.unit_unknown': 'Hãy chọn trường hoặc đơn vị trong danh sách gợi ý.',
  'register.err.forbidden': 'Cuộc thi này không mở đăng ký cho đối tượng hoặc đơn vị bạn chọn, hoặc đã hết hạn đăng ký.',
  'register.err.conflict': 'Số điện thoại này đã được dùng để đăng ký cuộc thi này; mỗi số chỉ đăng ký một tài khoản.',
  'register.err.rate_limited': 'Có quá nhiều lượt đăng ký từ nơi bạn đang kết nối. Vui lòng thử lại sau {s} giây.',

  'audience.pupil': 'Học sinh',
  'audience.university_student': 'Sinh viên',
  'audience.civil_servant': 'Cán bộ, công chức, viên chức',
  'audience.agency_head': 'Lãnh đạo cơ quan, đơn vị',
  'audience.journalist': 'Phóng viên, biên tập viên',
  'audience.telecom_it_staff': 'Nhân viên viễn thông, CNTT',
  'audience.finance_staff': 'Nhân viên tài chính, ngân hàng',
  'audience.public': 'Người dân',

  'quiz.title': 'Làm bài',
  'quiz.intro_start': 'Khi bấm "Bắt đầu", thời gian bắt đầu tính và không dừng lại kể cả khi bạn đóng trang. Mỗi câu trả lời được lưu ngay khi bạn chọn.',
  'quiz.start': 'Bắt đầu làm bài',
  'quiz.resume': 'Tiếp tục làm bài',
  'quiz.starting': 'Đang bắt đầu…',
  'quiz.time_left': 'Còn lại',
  'quiz.progress': 'Đã trả lời {done}/{total} câu',
  'quiz.question_n': 'Câu {n}/{total}',
  'quiz.pick_one': 'Chọn một đáp án',
  'quiz.pick_many': 'Chọn một hoặc nhiều đáp án',
  'quiz.type_answer': 'Nhập câu trả lời',
  'quiz.status.unanswered': 'chưa trả lời',
  'quiz.status.saving': 'đang lưu…',
  'quiz.status.saved': 'đã lưu',
  'quiz.status.unsaved': 'chưa lưu',
  'quiz.status.error': 'không lưu được',
  'quiz.unsaved_banner': 'Mất kết nối: {n} câu chưa lưu. Đang thử lại… Đừng đóng trang.',
  'quiz.all_saved': 'Tất cả câu trả lời đã được lưu.',
  'quiz.offline': 'Bạn đang ngoại tuyến. Câu trả lời sẽ được gửi khi có mạng.',
  'quiz.prediction': 'Dự đoán số người trả lời đúng tất cả các câu',
  'quiz.prediction_hint': 'Dùng để phân định thứ hạng khi bằng điểm. Bỏ trống nếu cuộc thi không hỏi.',
  'quiz.submit': 'Nộp bài',
  'quiz.submitting': 'Đang nộp bài…',
  'quiz.confirm_unanswered': 'Còn {n} câu chưa trả lời. Bấm "Nộp bài" lần nữa để nộp.',
  'quiz.goto_unanswered': 'Đến câu chưa trả lời',
  'quiz.confirm_unsaved': 'Còn {n} câu chưa lưu được. Hãy chờ có mạng; bấm "Nộp bài" lần nữa để nộp ngay (các câu chưa lưu sẽ không được tính).',
  'quiz.time_over': 'Đã hết giờ. Bài làm được tính với các câu trả lời đã lưu.',
  'quiz.closed': 'Bài làm này đã được nộp.',
  'quiz.retry_submit': 'Chưa nộp được do mất kết nối. Đang thử lại…',
  'quiz.no_id': 'Thiếu mã bài thi trong địa chỉ trang.',

  'result.title': 'Kết quả',
  'result.score': 'Điểm',
  'result.score_value': '{score}/{max}',
  'result.percent': 'Tỉ lệ',
  'result.correct': 'Số câu đúng',
  'result.correct_value': '{n}/{total}',
  'result.duration': 'Thời gian làm bài',
  'result.passed': 'ĐẠT',
  'result.failed': 'CHƯA ĐẠT',
  'result.expired': 'Bài làm đã hết giờ và được tính với các câu trả lời đã lưu.',
  'result.pending': 'Kết quả sẽ được công bố sau.',
  'result.candidate': 'Người dự thi',
  'result.unit': 'Đơn vị',
  'result.date': 'Ngày nộp bài',
  'result.print': 'In kết quả / chứng nhận',
  'result.review': 'Xem lại bài làm',
  'result.your_answer': 'Bạn chọn: {v}',
  'result.no_answer': 'Bạn không trả lời',
  'result.correct_answer': 'Đáp án đúng: {v}',
  'result.right': 'Đúng',
  'result.wrong': 'Sai',
  'result.explanation': 'Giải thích: {v}',
  'result.again': 'Làm lại',
  'result.cert_heading': 'GIẤY CHỨNG NHẬN HOÀN THÀNH BÀI THI',

  'lb.title': 'Bảng xếp hạng',
  'lb.round': 'Vòng thi (mã)',
  'lb.unit': 'Mã đơn vị',
  'lb.filter': 'Xem',
  'lb.rank': 'Hạng',
  'lb.unit_rank': 'Hạng trong đơn vị',
  'lb.name': 'Họ tên',
  'lb.unit_name': 'Đơn vị',
  'lb.score': 'Điểm',
  'lb.correct': 'Câu đúng',
  'lb.prediction': 'Dự đoán',
  'lb.duration': 'Thời gian',
  'lb.frozen': 'Bảng xếp hạng đang tạm khóa trong giai đoạn cuối cuộc thi.',
  'lb.empty': 'Chưa có ai trong bảng xếp hạng.',
  'lb.total': 'Tổng số: {n} người',
  'lb.prev': '← Trang trước',
  'lb.next': 'Trang sau →',

  'admin.title': 'Quản trị đơn vị',
  'admin.not_allowed': 'Trang này dành cho quản trị viên.',
  'admin.units.title': 'Tải lên danh sách đơn vị (CSV)',
  'admin.units.help': 'Các cột: code,name,kind,parent_code. Dòng đầu là tiêu đề.',
  'admin.units.done': 'Đã tạo {created} đơn vị, cập nhật {updated} đơn vị.',
  'admin.users.title': 'Tải lên danh sách người dùng (CSV)',
  'admin.users.help': 'Các cột: username,password,full_name,unit_code,audience,role. Bỏ trống password để hệ thống tự tạo.',
  'admin.users.done': 'Đã tạo {created} tài khoản.',
  'admin.users.passwords': 'Mật khẩu được tạo (chỉ hiển thị một lần — hãy tải về và giao cho từng người):',
  'admin.users.download': 'Tải mật khẩu về (CSV)',
  'admin.users.errors': 'Các dòng có lỗi (không được tạo):',
  'admin.file': 'Chọn tệp CSV',
  'admin.choose': 'Chọn tệp…',
  'admin.no_file_chosen': 'Chưa chọn tệp',
  'admin.upload': 'Tải lên',
  'admin.uploading': 'Đang tải lên…',
  'admin.no_file': 'Hãy chọn một tệp trước.',
  'admin.line': 'Dòng',
  'admin.message': 'Lỗi',
  'admin.username': 'Tên đăng nhập',
  'admin.password': 'Mật khẩu',
  'admin.hc.title': 'Khai báo số lượng (chỉ tiêu)',
  'admin.hc.help': 'Số người thuộc mỗi đối tượng trong đơn vị, dùng để tính tỉ lệ tham gia.',
  'admin.hc.unit': 'Mã đơn vị',
  'admin.hc.year': 'Năm',
  'admin.hc.audience': 'Đối tượng',
  'admin.hc.count': 'Số lượng',
  'admin.hc.add': '+ Thêm dòng',
  'admin.hc.remove': 'Xóa dòng',
  'admin.hc.save': 'Lưu số lượng',
  'admin.hc.done': 'Đã lưu số lượng cho đơn vị {unit}.',
  'admin.rep.title': 'Báo cáo tỉ lệ tham gia',
  'admin.rep.year': 'Năm',
  'admin.rep.unit': 'Mã đơn vị',
  'admin.rep.audience': 'Đối tượng',
  'admin.rep.audience_all': 'Tất cả',
  'admin.rep.depth': 'Số cấp đơn vị con',
  'admin.rep.show': 'Xem báo cáo',
  'admin.rep.csv': 'Tải CSV',
  'admin.rep.xlsx': 'Tải Excel (XLSX)',
  'admin.rep.empty': 'Không có số liệu.',
  'admin.rep.col.unit': 'Đơn vị',
  'admin.rep.col.audience': 'Đối tượng',
  'admin.rep.col.headcount': 'Số lượng',
  'admin.rep.col.registered': 'Đã đăng ký',
  'admin.rep.col.participants': 'Đã tham gia',
  'admin.rep.col.participation': '% tham gia',
  'admin.rep.col.passed': 'Đạt',
  'admin.rep.col.passed_percent': '% đạt',
  'admin.rep.col.attempts': 'Lượt làm bài',
  'admin.rep.source.declared': 'khai báo',
  'admin.rep.source.roster': 'theo danh sách',
  'admin.rep.source.mixed': 'hỗn hợp',

  'adm.skip': 'Bỏ qua đến nội dung chính',
  'adm.nav.label': 'Các mục quản trị',
  'adm.nav.dashboard': 'Tổng quan',
  'adm.nav.units': 'Đơn vị và người dùng',
  'adm.nav.reports': 'Báo cáo',
  'adm.show': 'Xem',
  'adm.year': 'Năm',
  'adm.unit': 'Đơn vị',
  'adm.name': 'Họ và tên',
  'adm.chart.missing': 'Không tải được thư viện biểu đồ Chart.js (/vendor/chart.js): hãy cài gói libjs-chart.js hoặc chạy quizd với --chartjs ĐƯỜNG_DẪN. Các bảng số liệu bên dưới vẫn đầy đủ.',
  'adm.dash.title': 'Tổng quan',
  'adm.dash.deadlines': 'Hạn báo cáo',
  'adm.dash.days_left': 'ngày nữa đến {date}',
  'adm.dash.days_past': 'ngày đã qua hạn {date}',
  'adm.dash.unit_deadline': 'Các đơn vị báo cáo kết quả',
  'adm.dash.dept_deadline': 'Sở tổng hợp báo cáo',
  'adm.dash.plan': 'Chỉ tiêu kế hoạch',
  'adm.dash.plan_code': 'Kế hoạch',
  'adm.dash.next_deadline': 'hạn báo cáo tiếp theo {date}',
  'adm.dash.plan_chart': 'Biểu đồ chỉ tiêu: đạt {met} trên {n} chỉ tiêu; số liệu chi tiết trong bảng bên dưới.',
  'adm.dash.units': 'Tỉ lệ tham gia theo đơn vị',
  'adm.dash.trail': 'Đơn vị đang xem',
  'adm.dash.no_children': 'Đơn vị này không có đơn vị con.',
  'adm.dash.drill': 'Xem các đơn vị con của {name}',
  'adm.dash.units_chart': 'Biểu đồ tỉ lệ tham gia của {n} đơn vị con thuộc {name}, sắp xếp giảm dần; số liệu trong bảng bên dưới.',
  'adm.plan.target': 'Chỉ tiêu',
  'adm.plan.threshold': 'Mục tiêu',
  'adm.plan.actual': 'Thực hiện',
  'adm.plan.count': 'Số đạt / tổng',
  'adm.plan.met': 'Đạt chỉ tiêu',
  'adm.plan.yes': 'Đạt',
  'adm.plan.no': 'Chưa đạt',
  'adm.plan.gap': 'Còn thiếu',
  'adm.rep.plan': 'Báo cáo theo kế hoạch',
  'adm.rep.yearly': 'Báo cáo năm (bản in)',
  'adm.rep.missing': 'Danh sách cần nhắc (chưa làm bài)',
  'adm.rep.missing_count': '{n} người chưa làm bài bắt buộc. Còn {unit} ngày đến hạn báo cáo của đơn vị, {dept} ngày đến hạn của Sở.',
  'adm.rep.missing_quizzes': 'Bài còn thiếu',
  'adm.rep.items': 'Thống kê câu hỏi',
  'adm.rep.items_help': 'Câu cần xem lại được tô màu: độ dễ dưới 0,2 hoặc trên 0,95, hoặc độ phân biệt dưới 0,1.',
  'adm.rep.quiz_id': 'Mã số bài thi',
  'adm.rep.question': 'Câu hỏi',
  'adm.rep.facility': 'Độ dễ',
  'adm.rep.discrimination': 'Độ phân biệt',
  'adm.rep.review': 'Xem lại',
  'adm.rep.to_review': 'Cần xem lại',
  'adm.nav.quizzes': 'Bài thi và cuộc thi',
  'adm.quiz.list': 'Danh sách bài thi',
  'adm.quiz.title': 'Bài thi',
  'adm.quiz.kind': 'Loại',
  'adm.quiz.state': 'Trạng thái',
  'adm.quiz.window': 'Thời gian mở',
  'adm.quiz.questions': 'Số câu',
  'adm.quiz.participants': 'Người dự thi',
  'adm.quiz.results': 'Kết quả: {title}',
  'adm.quiz.results_total': '{total} người đã hoàn thành bài',
  'adm.quiz.best': 'Điểm cao nhất',
  'adm.quiz.last': 'Nộp bài gần nhất',
  'adm.nav.people': 'Người dùng',
  'adm.nav.audit': 'Nhật ký quản trị',
  'adm.save': 'Lưu',
  'adm.prev': '← Trang trước',
  'adm.next': 'Trang sau →',
  'adm.role.participant': 'Người dự thi',
  'adm.role.unit_admin': 'Quản trị đơn vị',
  'adm.role.admin': 'Quản trị hệ thống',
  'adm.people.search': 'Tìm người dùng',
  'adm.people.q': 'Tên hoặc tên đăng nhập (gõ không dấu cũng được)',
  'adm.people.role': 'Vai trò',
  'adm.people.status': 'Trạng thái',
  'adm.people.find': 'Tìm',
  'adm.people.enabled': 'Đang hoạt động',
  'adm.people.disabled': 'Đã khóa',
  'adm.people.last_login': 'Đăng nhập gần nhất',
  'adm.people.created': 'Ngày tạo',
  'adm.people.open': 'Mở hồ sơ của {name}',
  'adm.people.total': '{from}–{to} trên {total} người',
  'adm.people.none': 'Không tìm thấy ai.',
  'adm.people.enable': 'Mở khóa tài khoản',
  'adm.people.disable': 'Khóa tài khoản',
  'adm.people.unchanged': 'Không có thay đổi nào.',
  'adm.people.saved': 'Đã lưu.',
  'adm.people.enabled_done': 'Đã mở khóa tài khoản.',
  'adm.people.disabled_done': 'Đã khóa tài khoản; mọi phiên đăng nhập của người này đã kết thúc.',
  'adm.people.reset': 'Đặt lại mật khẩu',
  'adm.people.reset_confirm': 'Tạo mật khẩu mới cho {name}? Mật khẩu cũ và mọi phiên đăng nhập sẽ hết hiệu lực.',
  'adm.people.reset_done': 'Đã tạo mật khẩu mới. Hãy ghi lại hoặc in ngay: mật khẩu chỉ hiển thị một lần.',
  'adm.people.new_password': 'Mật khẩu mới (chỉ hiển thị một lần):',
  'adm.people.print': 'In mật khẩu',
  'adm.cards.title': 'In thẻ đăng nhập',
  'adm.cards.help': 'Mỗi người dự thi đang hoạt động của đơn vị (và các đơn vị con) nhận một thẻ có mã đăng nhập và mã QR. Thẻ mới làm mọi thẻ cũ của họ hết hiệu lực.',
  'adm.cards.print': 'Tạo và in thẻ',
  'adm.audit.total': '{total} mục',
  'adm.audit.at': 'Thời gian',
  'adm.audit.action': 'Thao tác',
  'adm.audit.target': 'Đối tượng',
  'adm.audit.detail': 'Chi tiết',

  'err.network': 'Không kết nối được máy chủ. Kiểm tra mạng và thử lại.',
  'err.unauthorized': 'Sai tên đăng nhập hoặc mật khẩu.',
  'err.session': 'Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.',
  'err.forbidden': 'Bạn không có quyền thực hiện thao tác này.',
  'err.not_found': 'Không tìm thấy nội dung yêu cầu.',
  'err.bad_request': 'Dữ liệu gửi lên không hợp lệ.',
  'err.too_large': 'Tệp quá lớn.',
  'err.rate_limited': 'Bạn thao tác quá nhiều lần. Vui lòng thử lại sau {s} giây.',
  'err.username_taken': 'Tên đăng nhập đã có người dùng. Hãy chọn tên khác.',
  'err.weak_password': 'Mật khẩu chưa đủ mạnh.',
  'err.wrong_password': 'Mật khẩu hiện tại không đúng.',
  'live.host_title': 'Trò chơi trực tiếp: người dẫn',
  'live.play_title': 'Trò chơi trực tiếp',
  'live.setup': 'Tạo trò chơi',
  'live.bank': 'Mã ngân hàng câu hỏi',
  'live.topic': 'Chủ đề (không bắt buộc)',
  'live.count': 'Số câu hỏi',
  'live.seconds': 'Số giây mỗi câu',
  'live.create': 'Tạo trò chơi',
  'live.join_at': 'Vào trò chơi bằng mã PIN',
  'live.qr_alt': 'Mã QR mở {url}',
  'live.players': '{n} người chơi',
  'live.start': 'Bắt đầu',
  'live.seconds_left': ' giây còn lại',
  'live.close_now': 'Dừng câu này',
  'live.top': 'Dẫn đầu',
  'live.next': 'Câu tiếp theo',
  'live.finish': 'Xem kết quả chung cuộc',
  'live.podium': 'Bục vinh quang',
  'live.export': 'Tải kết quả (CSV)',
  'live.progress': 'Câu {i}/{n}',
  'live.answers': '{n} lượt',
  'live.place': 'Hạng {n}',
  'live.refused': 'Không mở được trò chơi (mã {status}).',
  'live.reconnecting': 'Mất kết nối, đang kết nối lại…',
  'live.pin': 'Mã PIN',
  'live.nickname': 'Tên hiển thị',
  'live.join': 'Vào chơi',
  'live.waiting': 'Đã vào! Chờ người dẫn bắt đầu ({n} người chơi).',
  'live.sent': 'Đã gửi câu trả lời. Chờ kết quả…',
  'live.no_answer': 'Bạn chưa trả lời câu này.',
  'live.right': 'Đúng rồi!',
  'live.wrong': 'Chưa đúng.',
  'live.rank': 'Hạng {rank}, {score} điểm',
  'live.over': 'Trò chơi kết thúc!',
  'live.final': 'Chung cuộc: hạng {rank}, {score} điểm',
  'err.nickname_taken': 'Tên hiển thị này đã có người dùng trong trò chơi.',
  'err.already_answered': 'Bạn đã trả lời câu này rồi.',

  'err.quiz_not_open': 'Bài thi hiện không mở.',
  'err.no_attempts_left': 'Bạn đã dùng hết số lượt làm bài.',
  'err.time_over': 'Đã hết giờ làm bài.',
  'err.attempt_closed': 'Bài làm đã được nộp.',
  'err.server': 'Máy chủ gặp lỗi. Vui lòng thử lại sau.',
  'err.generic': 'Có lỗi xảy ra ({code}).',
};

// English is a second file, fetched only by those who choose it: pupils on
// slow connections download the Vietnamese catalogue alone.
const catalogues = { vi, en: null };
if (chosenLang() === 'en') catalogues.en = (await import('./i18n-en.js')).default;

function chosenLang() {
  try {
    return localStorage.getItem('lang') || 'vi';
  } catch (_) {
    return 'vi';
  }
}


/** The page language: the user's choice kept in localStorage, else Vietnamese. */
export function lang() {
  const chosen = chosenLang();
  return catalogues[chosen] ? chosen : 'vi';
}

export function setLang(code) {
  try { localStorage.setItem('lang', code); } catch (_) { /* ignore */ }
}

/** True when the catalogue has a string for key. */
export function has(key) {
  return key in catalogues[lang()] || key in vi;
}

/** The string for key with {name} placeholders filled from params. */
export function t(key, params) {
  const text = catalogues[lang()][key] ?? vi[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Fills the marked elements under root with their strings. */
export function applyI18n(root = document) {
  document.documentElement.lang = lang();
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-ph]')) node.placeholder = t(node.dataset.i18nPh);
  for (const node of root.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
}

const locales = { vi: 'vi-VN', en: 'en-GB' };

export function locale() {
  return locales[lang()];
}

/** A number for display, with at most `digits` decimals. */
export function formatNumber(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return '–';
  return Number(value).toLocaleString(locale(), { maximumFractionDigits: digits });
}

/** An RFC 3339 time as a short date and time in Vietnam's time zone. */
export function formatDateTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const zone = { timeZone: 'Asia/Ho_Chi_Minh' };
  const date = d.toLocaleDateString(locale(), { ...zone, day: '2-digit', month: '2-digit', year: 'numeric' });
  const time = d.toLocaleTimeString(locale(), { ...zone, hour: '2-digit', minute: '2-digit' });
  return `${date} ${time}`;
}

/** Milliseconds as m:ss or h:mm:ss. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined) return '–';
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export const AUDIENCES = ['pupil', 'university_student', 'civil_servant', 'agency_head',
  'journalist', 'telecom_it_staff', 'finance_staff', 'public'];
