"""Reports: measures by source, tier, account manager, over time and down the referral branches,
read from aggregates the derived-data mechanism keeps (app/summaries/), never from scans."""
