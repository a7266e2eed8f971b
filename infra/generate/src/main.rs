//! Writes `infra/template.yaml` and `infra/openapi.json` from the route table, the
//! schedules, the worker functions and `statemachines/`. Run it with
//! `cargo run -p infra-generate` after any of those changes.

use std::process::ExitCode;

use infra_generate::{
    OPENAPI_PATH, TEMPLATE_PATH, read_state_machines, render_openapi, render_template,
    workspace_root,
};

fn main() -> ExitCode {
    match generate() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("infra-generate failed: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate() -> Result<(), String> {
    let root = workspace_root();
    let state_machines = read_state_machines(&root)?;
    let outputs = [
        (TEMPLATE_PATH, render_template(&state_machines)?),
        (OPENAPI_PATH, render_openapi()?),
    ];
    for (path, text) in outputs {
        let target = root.join(path);
        std::fs::write(&target, text)
            .map_err(|error| format!("could not write {}: {error}", target.display()))?;
        println!("wrote {path}");
    }
    Ok(())
}
