//! `hexaboard --help`: every setting as a flag, with its variable and its default, made from
//! the settings' table of variables.

use std::process::Command;

use hexaboard_mqtt::settings::VARIABLES;

fn help(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_hexaboard"))
        .args(args)
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn help_lists_every_setting_with_its_flag_variable_and_default() {
    let text = help(&["--help"]);
    for var in VARIABLES {
        assert!(
            text.contains(&format!("--{}", var.flag())),
            "{}",
            var.flag()
        );
        assert!(text.contains(var.name()), "{}", var.name());
    }
    insta::assert_snapshot!("help", text);
}

#[test]
fn every_subcommand_shows_the_settings_flags_too() {
    let text = help(&["summary", "--help"]);
    assert!(
        text.contains("Settings (flag > environment > .env):"),
        "{text}"
    );
    assert!(
        text.contains("--port <PORT>") && text.contains("[variable: MQTT_PORT, default 8883]"),
        "{text}"
    );
}
