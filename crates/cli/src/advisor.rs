//! The advisor of `advise` and `react --advisor`: one board's summary sent to the model, its
//! answer read and checked, printed, and every call kept in the store's audit trail.
//!
//! Nothing here sends a command: [`Advisor::ask`] gives the [`Verdict`], and the caller sends
//! a [`Verdict::Command`] (or not) and says so with [`Advisor::keep`].

use std::time::Duration;

use anyhow::Context as _;
use hexaboard_advisor::{Client, Endpoint, Format};
use hexaboard_core::advice::{Allowed, Prompt, PromptData, Proposal, Verdict};
use hexaboard_core::judge::Thresholds;
use hexaboard_core::summary::BoardSummary;
use hexaboard_core::text::{DateTime, Report, Text};
use hexaboard_mqtt::settings::{Secret, StoreLocation};
use hexaboard_store::advice::{
    AdviceEntry, AdviceFile, AdviceLog, PostgresAdviceLog, SqliteAdviceLog,
};
use time::{OffsetDateTime, UtcOffset};

use crate::common::Context;
use crate::history_source;

/// What an answer became, with the call as it will be kept.
pub(crate) struct Asked {
    /// What may be sent.
    pub(crate) verdict: Verdict,
    /// The call, `applied` still false.
    entry: AdviceEntry,
}

/// The model, the rules of what it may propose, and the audit trail.
pub(crate) struct Advisor {
    client: Client,
    allowed: Allowed,
    log: Box<dyn AdviceLog>,
    text: Text,
    offset: UtcOffset,
}

impl Advisor {
    /// The advisor of the settings, allowed to command `allowed`, keeping calls in the store.
    ///
    /// # Errors
    ///
    /// The `OPENAI_*` settings are wrong or missing, or the store's audit trail cannot be
    /// opened.
    pub(crate) fn open(context: &Context, allowed: Allowed) -> anyhow::Result<Advisor> {
        let settings = context.advisor()?;
        let log = open_log(context)?;
        let client = Client::new(Endpoint {
            base_url: settings.base_url().to_owned(),
            model: settings.model().to_owned(),
            key: settings.key().cloned(),
            timeout: settings.timeout(),
        });
        // No key for the official API: said before anything is read or asked.
        client.endpoint().check_key()?;
        Ok(Advisor {
            client,
            allowed,
            log,
            text: context.text(),
            offset: context.offset,
        })
    }

    /// Asks about `summary`'s board and checks the answer; prints the advice and the verdict.
    /// A call that fails is kept with its error before the error is returned.
    ///
    /// # Errors
    ///
    /// The model could not be asked (each error names the setting to fix), its answer is not
    /// the schema's, or the audit trail cannot be read or written.
    pub(crate) fn ask(&mut self, summary: &BoardSummary) -> anyhow::Result<Asked> {
        let text = self.text;
        let now = OffsetDateTime::now_utc();
        let local = DateTime(history_source::local(now, self.offset)).to_string();
        let prompt = Prompt::new(&PromptData {
            summary,
            thresholds: &Thresholds::default(),
            now: &local,
            allowed: self.allowed.boards(),
            lang: text.lang(),
        });
        let endpoint = self.client.endpoint();
        let (url, model) = (endpoint.base_url.clone(), endpoint.model.clone());
        println!("{}", text.advice_asking(&summary.board, &model, &url));
        let mut entry = AdviceEntry {
            at: now,
            board: summary.board.clone(),
            model,
            summary: prompt.data.clone(),
            answer: None,
            target: None,
            command: None,
            refusal: None,
            applied: false,
        };
        let answer = match ask(&mut self.client, &prompt) {
            Ok(answer) => answer,
            Err(error) => {
                entry.refusal = Some(Report(error.as_ref()).to_string());
                self.keep_failed(&entry);
                return Err(error);
            }
        };
        if answer.format != Format::JsonSchema {
            println!("{}", text.advice_format(&answer.format));
        }
        entry.model = answer.model.clone();
        entry.answer = Some(answer.content.clone());
        let proposal = match Proposal::parse(&answer.content) {
            Ok(proposal) => proposal,
            Err(error) => {
                let error = anyhow::Error::new(error).context(format!(
                    "model {} at {url} gave an answer hexaboard cannot use; try another \
                     OPENAI_MODEL",
                    entry.model
                ));
                entry.refusal = Some(Report(error.as_ref()).to_string());
                self.keep_failed(&entry);
                return Err(error);
            }
        };
        println!("{}", text.advice_explanation(&proposal.explanation));
        let log = &mut self.log;
        let mut log_error = None;
        let verdict = Verdict::of(&proposal, &self.allowed, |board| {
            match log.last_applied(board) {
                Ok(last) => last.map(|at| elapsed(at, now)),
                Err(e) => {
                    log_error = Some(e);
                    None
                }
            }
        });
        if let Some(e) = log_error {
            return Err(anyhow::Error::new(e).context("cannot read the advice kept in the store"));
        }
        self.print(&proposal, &verdict);
        match &verdict {
            Verdict::Command { board, command } => {
                entry.target = Some(board.clone());
                entry.command = Some(command.to_json());
            }
            Verdict::Refused(refusal) => entry.refusal = Some(refusal.to_string()),
            Verdict::NoAction => {}
        }
        Ok(Asked { verdict, entry })
    }

    /// Keeps the call of `asked`, `applied` when its command was sent and acknowledged.
    ///
    /// # Errors
    ///
    /// The audit trail cannot be written.
    pub(crate) fn keep(&mut self, asked: Asked, applied: bool) -> anyhow::Result<()> {
        let mut entry = asked.entry;
        entry.applied = applied;
        self.log
            .keep(&entry)
            .with_context(|| format!("cannot keep the advice in {}", self.log.name()))?;
        println!("{}", self.text.advice_kept(&self.log.name()));
        Ok(())
    }

    /// Keeps a failed call; a failure to keep it is only said, as the call's own error follows.
    fn keep_failed(&mut self, entry: &AdviceEntry) {
        if let Err(e) = self.log.keep(entry) {
            eprintln!(
                "⚠️ cannot keep the advice in {}: {}",
                self.log.name(),
                Report(&e)
            );
        }
    }

    /// The newest `limit` calls kept (about or for `board` when given), and where they are.
    ///
    /// # Errors
    ///
    /// The audit trail cannot be read.
    pub(crate) fn recent(
        context: &Context,
        board: Option<&str>,
        limit: usize,
    ) -> anyhow::Result<(String, Vec<AdviceEntry>)> {
        let mut log = open_log(context)?;
        let entries = log
            .recent(board, limit)
            .with_context(|| format!("cannot read the advice kept in {}", log.name()))?;
        Ok((log.name(), entries))
    }

    fn print(&self, proposal: &Proposal, verdict: &Verdict) {
        let text = self.text;
        let reason = proposal.reason.as_str();
        match verdict {
            Verdict::NoAction => println!("{}", text.advice_no_action(reason)),
            Verdict::Command { board, command } => {
                let colour = text.colour(command.shown_colour());
                let json = command.to_json();
                println!("{}", text.advice_proposed(board, colour, &json, reason));
            }
            Verdict::Refused(refusal) => {
                let board = proposal.board.as_deref().unwrap_or("-");
                let written = serde_json::json!({
                    "action": proposal.action,
                    "color": proposal.color,
                    "brightness": proposal.brightness,
                })
                .to_string();
                println!("{}", text.advice_proposed(board, "?", &written, reason));
                println!("{}", text.advice_refused(refusal));
            }
        }
    }
}

/// Asks the model, naming the model and the place in the error.
fn ask(client: &mut Client, prompt: &Prompt) -> anyhow::Result<hexaboard_advisor::Answer> {
    let schema = hexaboard_core::advice::proposal::schema();
    Ok(client.ask(
        &prompt.system,
        &prompt.user,
        hexaboard_core::advice::proposal::SCHEMA_NAME,
        &schema,
    )?)
}

/// Time from `at` to `now`, zero when `at` is later (a clock set back).
fn elapsed(at: OffsetDateTime, now: OffsetDateTime) -> Duration {
    Duration::try_from(now - at).unwrap_or(Duration::ZERO)
}

/// The audit trail of the store (`STORE`, else `CSV_FILE`): a table of a database, a
/// JSON-lines file beside a CSV.
fn open_log(context: &Context) -> anyhow::Result<Box<dyn AdviceLog>> {
    Ok(match context.app()?.store() {
        StoreLocation::Csv(_) => Box::new(AdviceFile::beside(context.csv_file()?)?),
        StoreLocation::Sqlite(path) => Box::new(SqliteAdviceLog::open(path)?),
        StoreLocation::Postgres(url) => {
            let password = url.password().map(Secret::expose);
            Box::new(PostgresAdviceLog::connect(url.url(), password)?)
        }
    })
}
