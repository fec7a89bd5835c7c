# %% [markdown]
# # 6. Beyond 2020: how likely is 40%, or each level's ambition, in the years ahead?
#
# 2020 has passed; the question now is how likely the levels are to get there, and when that
# becomes more likely than not. The default model is used with all published data (the latest
# year per level is 2020/21 to 2023/24, except the vmbo gl and tl NaSk series: 2016/17 and
# 2022/23). "Current trends" here means what the backtests support (notebook 2): the best
# forecast is the current level, with an uncertainty that grows year by year.
#
# The answer is a **probability per year**: P(share at or above the target in that year). From
# it we read the first year in which the target is more likely than not (P >= 50%). That year
# is not a forecast of when the target is first reached; under the default, a level below its
# target never gets there "more likely than not", because the model forecasts no change.
#
# `REGION` chooses the region (NL, Oost, Overijssel, Gelderland, ...; `LEVELS` keeps the levels
# it has a headline series for); the committed outputs and the readings in the text are for
# `REGION = "NL"`.

# %% tags=["parameters"]
STUDY = None  # the study settings file (None: data/study.yml)
CHANGES = {}  # settings to change, e.g. {"pace": 2.0}
REGION = "NL"
# levels shown where REGION has a headline series (the regions have no vmbo gl/tl NaSk series)
LEVELS = ["vmbo_bb", "vmbo_kb", "vmbo_gl", "vmbo_tl", "havo", "vwo", "mbo", "hbo", "wo", "ho"]
YEARS = [2025, 2030, 2035, 2040]
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
levels = rp.levels_with_series(series, region=REGION, levels=LEVELS)  # those REGION has
published = tp.headline_series(series, levels=levels, region=REGION)
usable = tp.drop_short_series(published)
run = {"seed": study.seed, "n_paths": study.n_paths}
print(rp.short_series_text(published))

# %% [markdown]
# ## 40% on current trends, year by year

# %%
p40 = tp.probability_by_year(usable, target=study.target, until=study.horizon, **run)
rp.probability_display(p40, years=YEARS)

# %%
print(rp.probability_lines(p40, years=YEARS))

# %%
rp.show(tp.plot_probability(p40, title="Probability of 40% or more, year by year (all data)"))

# %% [markdown]
# Below 40% today, no level gets to "more likely than not" by 2040: the default sees no trend in
# the latest data (mbo flat at 28%, hbo 23%, wo 34%), so the median future stays at today's level
# and only the uncertainty grows. That growing uncertainty is what the probabilities show: havo
# (37% now, at or above 40% from 2013/14 to 2019/20) has about one chance in four of being at 40%
# or more in 2030/31 and one in three in 2040/41; wo and vmbo tl about one in ten in 2030/31 and
# nearly one in five in 2040/41; mbo, hbo, ho and vmbo bb/kb a few percent at most, even by
# 2040/41. Vwo has been above 40% since 2005/06 and almost surely stays there. vmbo gl counts as
# "already" only because its last published value, for 2016/17, was exactly 40%; there is no
# later figure to say whether it held, and its probability stays at one half.
#
# ## Each level's own goal or ambition

# %%
p_own = tp.probability_by_year(usable, target=targets, until=study.horizon, **run)
rp.probability_display(p_own, years=YEARS)

# %%
print(rp.probability_lines(p_own, years=YEARS))

# %% [markdown]
# Against its own ambition vwo is the one level that is clearly there (above 55% since
# 2007/08, P in 2040/41 about four in five); vmbo gl counts as "already" only on its 2016/17
# value (above). mbo's 30% ambition, two points above today's 28%, has about one chance in
# five by 2030/31 and three in ten by 2040/41; vmbo bb's and kb's 30% a few percent by 2030/31
# and about one in ten by 2040/41 (bb 12%, kb 8%); havo's 55% N-profile ambition is out of
# reach (a few percent).
#
# ## With one extra point a year
#
# The same question if the share grows one point a year from the latest observation (the pace
# Overijssel reported), with the noise of a random walk around it. Here the median path
# crosses 40%, so a first year at 40% exists: the median over simulated paths of the first
# year at or above 40%, with its 10-90% range. It describes this scenario, not a forecast.

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
# Even with one extra point a year, the pace Overijssel reported, 40% is a goal for the second
# half of the 2020s (havo, wo, vmbo tl: 2026-2028) and for the 2030s or later for the other
# intake levels (ho, mbo, hbo) and vmbo bb/kb (medians and ranges printed above; the ranges
# span several years). The 40% of the *Techniekpact 2020* was therefore not a matter of a few
# years' delay: it needs a lasting change in how many young people choose technique.
#
# ## What this means
#
# For any region the probabilities per year above are the answer; the reading below is for the
# Netherlands (the committed run). On current trends no level that is below 40% today becomes
# more likely than not to be at 40% by 2040/41: the default model, the only one that held up in
# the backtests of notebook 2, forecasts no change, and its honest uncertainty grows with every
# year. The probabilities per year are the answer: about one in four for havo in 2030/31,
# about one in ten for wo and vmbo tl, a few percent or less for mbo, hbo, ho and vmbo bb/kb;
# vwo stays above 40% and very likely above its own 55% ambition. Of the level ambitions only
# vwo's is met now (vmbo gl's 40% was met in 2016/17, its last published year); mbo's 30% has
# about a one-in-five chance by 2030/31. With one extra point a year, which the shares have not
# shown since about 2015, 40% comes in the second half of the 2020s (havo, wo, vmbo tl) to
# around 2040 (vmbo bb/kb). None of these is a prediction of a year: the uncertainty is large
# and grows with the horizon, and "not by 2040" means less than an even chance in every year
# up to 2040/41, not that it cannot happen. The caveats of the earlier notebooks apply: vmbo
# values before 2016/17 are on the old definition, gl and tl have few values.
