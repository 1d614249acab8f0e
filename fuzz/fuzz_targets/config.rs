//! Fuzz the pipeline config parser: any text either fails with a config error or gives a config
//! that validates and prints (`--print-config`) to TOML that parses back to the same config.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tamis::PipelineConfig;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(config) = PipelineConfig::from_toml(text) else { return };
    let printed = config.to_toml();
    let again = PipelineConfig::from_toml(&printed).unwrap_or_else(|e| panic!("printed config does not parse: {e}\n{printed}"));
    assert_eq!(again, config, "printed:\n{printed}");
});
