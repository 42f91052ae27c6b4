//! The mosquitto.conf of a test broker: its free loopback ports and the lines for each
//! listener, persistence and logging.

use std::fs;

use anyhow::Context as _;

use super::{Mosquitto, CONF, LOG, PASSWD, PERSISTENCE};
use crate::net::free_ports;

impl Mosquitto {
    pub(super) fn choose_ports(&mut self) -> anyhow::Result<()> {
        let wanted = 1
            + usize::from(!self.options.users.is_empty())
            + usize::from(self.options.tls.is_some());
        let mut ports = free_ports(wanted)?.into_iter();
        self.port = ports.next().context("no free port")?;
        self.auth_port = if self.options.users.is_empty() {
            None
        } else {
            ports.next()
        };
        self.tls_port = if self.options.tls.is_some() {
            ports.next()
        } else {
            None
        };
        Ok(())
    }

    pub(super) fn ports(&self) -> Vec<u16> {
        [Some(self.port), self.auth_port, self.tls_port]
            .into_iter()
            .flatten()
            .collect()
    }

    fn config(&self) -> String {
        let dir = self.dir.path();
        let o = &self.options;
        let mut c = String::new();
        let mut line = |s: &str| {
            c.push_str(s);
            c.push('\n');
        };
        line("# hexaboard-testkit mosquitto, one per test");
        line("user root");
        line("per_listener_settings true");
        if o.persistence {
            line("persistence true");
            line(&format!(
                "persistence_location {}/",
                dir.join(PERSISTENCE).display()
            ));
            line("persistence_file mosquitto.db");
        } else {
            line("persistence false");
        }
        if o.log_all {
            line(&format!("log_dest file {}", dir.join(LOG).display()));
            line("log_type all");
        } else {
            line("log_dest stderr");
        }
        if let Some(n) = o.max_queued_messages {
            line(&format!("max_queued_messages {n}"));
        }
        if let Some(n) = o.max_inflight_messages {
            line(&format!("max_inflight_messages {n}"));
        }
        for extra in &o.extra {
            line(extra);
        }
        line("# plain anonymous listener");
        line(&format!("listener {} 127.0.0.1", self.port));
        line("allow_anonymous true");
        if let Some(port) = self.auth_port {
            line("# password listener");
            line(&format!("listener {port} 127.0.0.1"));
            line("allow_anonymous false");
            line(&format!("password_file {}", dir.join(PASSWD).display()));
        }
        if let Some(port) = self.tls_port {
            line("# TLS listener");
            line(&format!("listener {port} 127.0.0.1"));
            line("allow_anonymous true");
            line(&format!("cafile {}", dir.join("ca.pem").display()));
            line(&format!("certfile {}", dir.join("server.pem").display()));
            line(&format!("keyfile {}", dir.join("server.key").display()));
            if o.require_certificate {
                line("require_certificate true");
            }
        }
        c
    }

    pub(super) fn write_config(&self) -> anyhow::Result<()> {
        let path = self.dir.path().join(CONF);
        fs::write(&path, self.config()).with_context(|| format!("writing {}", path.display()))
    }
}
