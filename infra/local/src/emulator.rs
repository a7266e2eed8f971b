//! The moto server child process.

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use crate::LocalSettings;

/// A running moto server, stopped on [`Emulator::stop`] or when dropped.
pub struct Emulator {
    child: Child,
}

impl Emulator {
    /// Starts moto through the launcher and waits until it answers.
    pub async fn start(settings: &LocalSettings) -> Result<Self, String> {
        let child = Command::new(&settings.python)
            .arg(&settings.launcher)
            .arg("--port")
            .arg(settings.moto_port.to_string())
            .arg("--local-host-port")
            .arg(settings.aws_port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| {
                format!(
                    "could not start the emulator with {} {}: {error}; run ./run or ./test, which install it",
                    settings.python, settings.launcher
                )
            })?;
        let mut emulator = Emulator { child };
        let url = format!("http://127.0.0.1:{}/moto-api/", settings.moto_port);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = emulator.child.try_wait() {
                return Err(format!("the emulator exited at start with {status}"));
            }
            if reqwest::get(&url).await.is_ok() {
                tracing::info!(port = settings.moto_port, "emulator started");
                return Ok(emulator);
            }
            if Instant::now() > deadline {
                emulator.stop().await;
                return Err(format!(
                    "the emulator did not answer on {url} within 60 seconds"
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Stops the emulator and waits for it to exit.
    pub async fn stop(&mut self) {
        if let Err(error) = self.child.kill().await {
            tracing::warn!(%error, "could not stop the emulator");
        }
    }
}
