# %% [markdown]
# # 6. Beyond 2020: when would each level reach 40%, or its ambition?
#
# 2020 has passed; the question now is when, on current trends, the levels get there. The
# default model is used with all published data (the latest year per level is 2020/21 to
# 2023/24, except the vmbo gl and tl NaSk series: 2016/17 and 2022/23). "Current trends" here
# means what the backtests support (notebook 2): the best forecast is about the current level,
# with uncertainty growing over time. A first year is the median over simulated futures of the
# first year at or above the target; the range is the 10th to 90th percentile. "not by 2040"
# means that in more than half of the simulated futures the target is not reached by 2040/41.

# %% tags=["parameters"]
STUDY = None  # the study settings file (None: data/study.yml)
CHANGES = {}  # settings to change, e.g. {"pace": 2.0}
REGION = "NL"
LEVELS = ["vmbo_bb", "vmbo_kb", "vmbo_gl", "vmbo_tl", "havo", "vwo", "mbo", "hbo", "wo", "ho"]
FAN_LEVELS = ["mbo", "hbo", "wo"]
FAN_UNTIL = 2035

# %%
import pandas as pd

import tpforecast as tp
import tpforecast.report as rp

rp.warnings_as_lines()  # series a function leaves out: one line each
pd.set_option("display.width", 120)
pd.set_option("display.max_colwidth", 60)
study = tp.load_study(STUDY).replace(**CHANGES)
series = tp.load_series()
targets = tp.load_targets()
published = tp.headline_series(series, levels=LEVELS, region=REGION)
usable = tp.drop_short_series(published)
run = {"seed": study.seed, "n_paths": study.n_paths}
print(rp.short_series_text(published))

# %% [markdown]
# ## On current trends

# %%
when = rp.when_reached(usable, targets=targets, study=study)
when[["level", "goal", "target", "target_kind", "last_year", "last_share", "recent_pp_per_year",
      "first_year", "first_year_lo", "first_year_hi", "at_target_since", "reason"]].round(3)

# %%
print(rp.when_lines(when))

# %% [markdown]
# On current trends none of the intake levels reaches 40% by 2040: the default model sees no
# upward trend in the latest data (mbo flat at 28%, hbo 23%, wo 34%, all flat or slightly down
# over the last five values), so the median future stays at today's level. For wo there is a
# 10% chance of reaching 40% by 2030 from year-to-year variation alone. Havo, at or above 40%
# from 2013/14 to 2019/20 and now at 37%, gets back in the median by the mid-2030s with a wide
# range; its 55% ambition is out of reach. Vwo has been above 40% since 2005/06 and above its
# 55% ambition since 2007/08. vmbo tl fell from 41% (2016/17, 2017/18) to 34% (2022/23) and
# in the median does not get back to 40% by 2040; vmbo bb/kb stay around 23% against their 30%
# ambition. vmbo gl counts as "reached in 2016" only because its last published value, for
# 2016/17, was 40%: there is no later figure to say whether it held.
#
# ## With one extra point a year
#
# The same question if the share grows one point a year from the latest observation (the pace
# Overijssel reported), with the noise of a random walk around it.

# %%
pace = tp.years_to_target(usable, extra_pp_per_year=study.pace, target=study.target,
                          base="last", **run)
pace[["level", "last_year", "last_share", "first_year", "first_year_lo", "first_year_hi",
      "at_target_since", "reason"]].round(3)

# %%
print(rp.pace_lines(pace, horizon=study.horizon))

# %%
fan = tp.headline_series(series, levels=FAN_LEVELS, region=REGION)
fc = tp.forecast(fan, until=FAN_UNTIL, **run)
rp.show(tp.plot_forecast_panels(fan, fc, target=study.target, sharey=True,
                                title="Intake levels on current trends (default model)"))

# %% [markdown]
# Even with one extra point a year, the pace Overijssel reported, 40% is a goal for the late
# 2020s (havo, wo, vmbo tl) and for the 2030s or later for the other intake levels (ho, mbo,
# hbo) and vmbo bb/kb (medians and ranges printed above; the ranges span several years). The
# 40% of the *Techniekpact 2020* was therefore not a matter of a few years' delay: it needs a
# lasting change in how many young people choose technique.
#
# ## What this means
#
# On current trends, the default model (the only one that held up in the backtests of notebook
# 2) sees no level getting to 40%, or to its own ambition, by 2040 in the median, except those
# already there: vwo (above 40% and above its 55% ambition for years) and, on its last published
# value, vmbo gl. Havo is the one level close enough to get back to 40% by chance: the median is
# the mid-2030s, with a range from the mid-2020s to after 2040; its 55% ambition is out of
# reach. For wo and vmbo tl there is a 10% chance of 40% by about 2030 from year-to-year
# variation alone; for mbo, hbo and ho the chance is below 10% even by 2040. vmbo bb/kb's 30%
# ambition has at most a 10% chance by the late 2030s (bb). With one extra point a year, which
# the shares have not shown since about 2015, 40% comes in the late 2020s (havo, wo, vmbo tl) to
# around 2040 (vmbo bb/kb). The uncertainty is large and grows with the horizon; the ranges
# above, not the medians alone, are the honest answer. The caveats of the earlier notebooks
# apply: vmbo values before 2016/17 are on the old definition, gl and tl have few values, and
# "not by 2040" means more than half of the simulated futures miss the target by 2040/41, not
# that it cannot happen.
