//! The real binary in a terminal made by the test itself: a pseudo-terminal
//! of a given size runs `minqing`, keys are written to it as a person types
//! them, and everything the app draws is read by a thread into a terminal
//! screen (`vt100`) that the test reads as text. Nothing outside Rust is
//! needed.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// How long a wait for the screen or for the app's end may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The app running in a pseudo-terminal; SIGKILLed when dropped, if still
/// running.
pub struct Pty {
    /// Kept so the terminal stays open for as long as the app runs.
    _master: Box<dyn MasterPty + Send>,
    writer: Mutex<Box<dyn Write + Send>>,
    child: Mutex<Box<dyn Child + Send + Sync>>,
    pid: u32,
    screen: Arc<Mutex<vt100::Parser>>,
}

impl Pty {
    /// Starts the app in English on database `db`, in a terminal `cols`
    /// wide and `rows` high, with `LANG=C.UTF-8` and further `options`
    /// (such as `--surveys DIR`).
    pub fn start(db: &Path, size: (u16, u16), options: &[&str]) -> Pty {
        Pty::start_in("en", db, size, options)
    }

    /// Starts the app as [`Pty::start`] does, in language `lang` (`zh` or
    /// `en`, given to `--lang`).
    pub fn start_in(lang: &str, db: &Path, (cols, rows): (u16, u16), options: &[&str]) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal opens");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_minqing"));
        cmd.args(["--lang", lang, "--db"]);
        cmd.arg(db);
        cmd.args(options);
        for name in ["LC_ALL", "LC_CTYPE", "MINQING_DB", "COLUMNS", "LINES"] {
            cmd.env_remove(name);
        }
        cmd.env("LANG", "C.UTF-8");
        cmd.env("TERM", "xterm-256color");
        if let Some(dir) = db.parent() {
            cmd.cwd(dir);
        }
        let child = pair.slave.spawn_command(cmd).expect("the app starts");
        // Only the app holds the terminal's other end now.
        drop(pair.slave);
        let pid = child.process_id().expect("the app's pid");

        let size = |n: u16| NonZeroU16::new(n).expect("a terminal of some size");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(size(rows), size(cols), 0)));
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let parser = Arc::clone(&screen);
        // Drains the terminal all the time, so the app never waits on a
        // full buffer; ends when the app's end of the terminal is closed.
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => parser.lock().expect("screen").process(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
        });
        let writer = pair.master.take_writer().expect("writer");
        Pty {
            _master: pair.master,
            writer: Mutex::new(writer),
            child: Mutex::new(child),
            pid,
            screen,
        }
    }

    /// The screen as text, a line for each row.
    pub fn screen(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    /// The screen's rows as text, all of them, blank ones too.
    pub fn rows(&self) -> Vec<String> {
        let parser = self.screen.lock().expect("screen");
        let screen = parser.screen();
        let (_, cols) = screen.size();
        screen.rows(0, cols.get()).collect()
    }

    /// Where the terminal's cursor is (an input method opens there), as
    /// (row, column) from 0, and whether the app shows it.
    pub fn cursor(&self) -> ((u16, u16), bool) {
        let parser = self.screen.lock().expect("screen");
        let screen = parser.screen();
        (screen.cursor_position(), !screen.hide_cursor())
    }

    /// The rows the app wrote past the right edge of, so that the terminal
    /// carried the rest over to the next row.
    pub fn wrapped_rows(&self) -> Vec<u16> {
        let parser = self.screen.lock().expect("screen");
        let screen = parser.screen();
        let (rows, _) = screen.size();
        (0..rows.get()).filter(|&r| screen.row_wrapped(r)).collect()
    }

    /// Waits until the screen shows `text`, and returns the screen; fails
    /// with the screen as it is after the timeout.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_for_within(text, TIMEOUT)
    }

    /// Waits as [`Pty::wait_for`] does, for at most `timeout`.
    pub fn wait_for_within(&self, text: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < timeout,
                "waiting for {text:?}; the screen is:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types `keys` one at a time, as a person does: each is a key's name
    /// (`Enter`, `Escape`, `Tab`, `BTab`, `BSpace`, `Delete`, `Space`, `Up`,
    /// `Down`, `Left`, `Right`, `Home`, `End`, `PageUp`, `PageDown`, `C-a`
    /// to `C-z`) or else text typed as it is, Chinese as well.
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let bytes = key_bytes(k);
            let mut writer = self.writer.lock().expect("writer");
            writer.write_all(&bytes).expect("typed");
            writer.flush().expect("typed");
            drop(writer);
            // Each answer is saved before the next key is read.
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// Waits until the app has ended by itself.
    pub fn wait_for_exit(&self) {
        let start = Instant::now();
        loop {
            let ended = self
                .child
                .lock()
                .expect("child")
                .try_wait()
                .expect("the app's state");
            if ended.is_some() {
                return;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "the app did not end; the screen is:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills the app with SIGKILL, as a flat battery or the OOM killer
    /// would, and waits until it is gone.
    pub fn kill_process(&self) {
        let mut child = self.child.lock().expect("child");
        if child.try_wait().expect("the app's state").is_some() {
            panic!("the app had ended before the kill");
        }
        // SAFETY: kill(2) with the pid of our own child, not yet reaped.
        let killed = unsafe { libc::kill(self.pid as libc::pid_t, libc::SIGKILL) };
        assert_eq!(killed, 0, "SIGKILL the app");
        child.wait().expect("the app is gone");
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        // Before the writer is dropped: dropping it writes an end of file
        // to a running app.
        let child = self.child.get_mut().expect("child");
        if let Ok(None) = child.try_wait() {
            // SAFETY: as in `kill_process`.
            unsafe { libc::kill(self.pid as libc::pid_t, libc::SIGKILL) };
            let _ = child.wait();
        }
    }
}

/// What the terminal sends for the key named `key` (tmux's names), or the
/// text itself.
fn key_bytes(key: &str) -> Vec<u8> {
    let named: &[u8] = match key {
        "Enter" => b"\r",
        "Escape" | "Esc" => b"\x1b",
        "Tab" => b"\t",
        "BTab" => b"\x1b[Z",
        "BSpace" => b"\x7f",
        "Delete" => b"\x1b[3~",
        "Space" => b" ",
        "Up" => b"\x1b[A",
        "Down" => b"\x1b[B",
        "Right" => b"\x1b[C",
        "Left" => b"\x1b[D",
        "Home" => b"\x1b[H",
        "End" => b"\x1b[F",
        "PageUp" => b"\x1b[5~",
        "PageDown" => b"\x1b[6~",
        _ => match key.as_bytes() {
            [b'C', b'-', c @ b'a'..=b'z'] => return vec![c - b'a' + 1],
            text => text,
        },
    };
    named.to_vec()
}
