//! Loads the hands-on lab into a running local stack through its HTTP API and prints each
//! step with its ids. `./run` runs it once the stack is up.

#[tokio::main]
async fn main() {
    let step = |text: &str| println!("  - {text}");
    println!("Loading the demo: the hands-on lab \"Data access management with teams\"");
    match integration_tests::lab::run(&step).await {
        Ok(lab) => {
            println!();
            println!(
                "Demo loaded: dataset {}, table {}, share {} ({}).",
                lab.dataset["uri"].as_str().unwrap_or_default(),
                lab.table_uri,
                lab.share["uri"].as_str().unwrap_or_default(),
                lab.share["status"].as_str().unwrap_or_default()
            );
        }
        Err(error) => {
            eprintln!("loading the demo failed: {error}");
            std::process::exit(1);
        }
    }
}
