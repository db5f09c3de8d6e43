use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = sharedoffice::cli::Cli::parse();
    match sharedoffice::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
