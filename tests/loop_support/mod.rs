//! The interview loop the loop tests run: two rounds, the Bar Raiser last,
//! planned from seed 4.

use rand::SeedableRng;
use stardrill::app::{App, LoopSettings, Settings};
use stardrill::domain::Catalog;
use stardrill::domain::clock::Clock;
use stardrill::domain::interview_loop::{BarRaiserAt, LoopPlan, LoopShape};

pub fn two_round_loop(clock: &dyn Clock, settings: Settings, follow_up_secs: u64) -> App {
    let catalog = Catalog::load(None).expect("catalog");
    let mut rng = rand::rngs::StdRng::seed_from_u64(4);
    let shape = LoopShape {
        rounds: 2,
        candidate: None,
        bar_raiser: BarRaiserAt::Last,
    };
    let plan = LoopPlan::new(&catalog.bank, &catalog.principles, shape, &mut rng);
    let loop_settings = LoopSettings {
        follow_up_secs,
        candidate: None,
    };
    App::interview(catalog, settings, plan, loop_settings, Some(4), clock)
}
