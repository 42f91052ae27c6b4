//! The lines of the commands that read or write a recorded CSV: `summary` (the next chapter's
//! analysis per board), `plot` (an SVG chart), `import` and `export` (the CSV into a database
//! and back), and what they say about lines they skip.

use std::path::Path;

use super::catalogue::catalogue;
use super::escape::{EscStr, Escaped};

catalogue! {
    part Analysis(text);

    lines {
        /// `📊 {file} 요약: 보드 {boards}개, 데이터 {rows}개`: the first line of `summary`.
        pub fn summary_heading(file: &'a str, boards: usize, rows: u64) {
            file = EscStr(file),
            boards,
            rows,
        }
            ko: "📊 {file} 요약: 보드 {boards}개, 데이터 {rows}개",
            en: "📊 Summary of {file}: {boards} board(s), {rows} reading(s)";

        /// `저장된 데이터가 없습니다.`: a CSV with a header and no rows.
        pub fn summary_empty() {}
            ko: "저장된 데이터가 없습니다.",
            en: "No readings in the file yet.";

        /// How `summary` computed its figures, under the table.
        pub fn summary_method() {}
            ko: "평균·최저·최고와 판단은 보드별 최근 100개, 추세는 최근 20개 온도(최근 10개 합과 그 전 10개 합, 5% 기준)로 계산했습니다.",
            en: "Average, min, max and the judgement cover each board's last 100 readings; the trend compares the sum of the last 10 temperatures with the 10 before (5% either way).";

        /// `보드 {board}: 온도나 습도가 비어 있는 줄 {rows}개는 계산에서 뺐습니다.`
        pub fn summary_incomplete(board: &'a str, rows: u64) { board = EscStr(board), rows }
            ko: "보드 {board}: 온도나 습도가 비어 있는 줄 {rows}개는 계산에서 뺐습니다.",
            en: "Board {board}: {rows} row(s) without a temperature or humidity left out.";

        /// `⚠️ {path} {line}번째 줄을 건너뜁니다: {reason}`: a line of the CSV that is not a row.
        pub fn csv_line_skipped(path: &'a Path, line: u64, reason: &'a str) {
            path = Escaped(path.display()),
            line,
            reason = EscStr(reason),
        }
            ko: "⚠️ {path} {line}번째 줄을 건너뜁니다: {reason}",
            en: "⚠️ {path} line {line} skipped: {reason}";

        /// `ℹ️ {path} 마지막 {line}번째 줄은 끝까지 쓰이지 않아 건너뜁니다`: the last line is
        /// cut short (the recorder is still writing it, or was stopped mid-row).
        pub fn csv_last_line_partial(path: &'a Path, line: u64) {
            path = Escaped(path.display()),
            line,
        }
            ko: "ℹ️ {path} 마지막 {line}번째 줄은 끝까지 쓰이지 않아 건너뜁니다",
            en: "ℹ️ {path} last line {line} is cut short (still being written?): skipped";

        /// `⚠️ 보드 {board}의 데이터가 파일에 없습니다`: a board asked for with `--boards`
        /// that the file does not have.
        pub fn plot_board_missing(board: &'a str) { board = EscStr(board) }
            ko: "⚠️ 보드 {board}의 데이터가 파일에 없습니다",
            en: "⚠️ no readings of board {board} in the file";

        /// Why `import` leaves out a row without a temperature or a humidity: the reason of
        /// its [`csv_line_skipped`](Self::csv_line_skipped) line.
        pub fn import_number_missing() {}
            ko: "온도나 습도가 비어 있어 데이터베이스에 넣을 수 없습니다",
            en: "no temperature or humidity: a database reading needs both";

        /// `📥 {path}: 새로 넣은 데이터 {added}개, 이미 있던 데이터 {present}개`: the last line
        /// of `import`.
        pub fn import_done(path: &'a Path, added: u64, present: u64) {
            path = Escaped(path.display()),
            added,
            present,
        }
            ko: "📥 {path}: 새로 넣은 데이터 {added}개, 이미 있던 데이터 {present}개",
            en: "📥 {path}: {added} reading(s) added, {present} already there";

        /// `📤 {path}에 데이터 {rows}개를 썼습니다`: the last line of `export`.
        pub fn export_done(path: &'a Path, rows: u64) {
            path = Escaped(path.display()),
            rows,
        }
            ko: "📤 {path}에 데이터 {rows}개를 썼습니다",
            en: "📤 Wrote {rows} reading(s) to {path}";

        /// `📈 {path} 저장: 보드 {boards} ({range})`: the chart was written.
        pub fn plot_written(path: &'a Path, boards: &'a str, range: &'a str) {
            path = Escaped(path.display()),
            boards = EscStr(boards),
            range,
        }
            ko: "📈 {path} 저장: 보드 {boards} ({range})",
            en: "📈 Wrote {path}: board(s) {boards} ({range})";

        /// `🧹 {store}: 데이터 {rolled}개를 분·시간 요약에 더했습니다`: a retention pass's
        /// rollups.
        pub fn retain_rolled_up(store: &'a str, rolled: u64) {
            store = EscStr(store),
            rolled,
        }
            ko: "🧹 {store}: 데이터 {rolled}개를 분·시간 요약(readings_minute, readings_hour)에 더했습니다",
            en: "🧹 {store}: {rolled} reading(s) added to the per-minute and per-hour rollups (readings_minute, readings_hour)";

        /// `요약 {rolled}개, 삭제 {deleted}개`: a retention pass under way, beside its spinner.
        pub fn retain_progress(rolled: u64, deleted: u64) { rolled, deleted }
            ko: "요약에 더함 {rolled}개, 지움 {deleted}개",
            en: "{rolled} rolled up, {deleted} deleted";

        /// `🧹 {days}일보다 오래된 원본 데이터 {deleted}개를 지웠습니다 (요약은 남습니다)`.
        pub fn retain_deleted(days: u32, deleted: u64) { days, deleted }
            ko: "🧹 {days}일보다 오래된 원본 데이터 {deleted}개를 지웠습니다 (요약은 그대로 남습니다)",
            en: "🧹 {deleted} raw reading(s) older than {days} day(s) deleted (their rollups stay)";
    }

    lists {
        /// `summary`'s column headers.
        pub fn summary_columns() -> [&'static str; 14] {
            "보드", "board";
            "개수", "count";
            "전체", "total";
            "평균 온도", "temp avg";
            "최저", "min";
            "최고", "max";
            "평균 습도", "hum avg";
            "최저", "min";
            "최고", "max";
            "추세", "trend";
            "온도", "temperature";
            "습도", "humidity";
            "처음", "first";
            "마지막", "last";
        }

        /// The words of `plot`'s chart: the title, the two axes, the comfortable band.
        pub fn plot_labels() -> [&'static str; 4] {
            "보드별 온도와 습도", "Temperature and humidity per board";
            "온도 (°C)", "Temperature (°C)";
            "습도 (%)", "Humidity (%)";
            "쾌적 범위", "comfortable";
        }
    }
}
