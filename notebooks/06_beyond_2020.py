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
TARGET = 0.40
SEED = 0
N_PATHS = 2000
REGION = "NL"
PACE = 1.0
LEVELS = ["vmbo_bb", "vmbo_kb", "vmbo_gl", "vmbo_tl", "havo", "vwo", "mbo", "hbo", "wo", "ho"]

# %%
import matplotlib

matplotlib.use("Agg")  # figures are shown explicitly with an.show(...)

import pandas as pd

import tpforecast as tp
from tpforecast.report import analysis as an
from tpforecast.scenarios import years_to_target

pd.set_option("display.width", 120)
pd.set_option("display.max_colwidth", 60)
series = tp.load_series()
targets = tp.load_targets()
published = series.loc[(series["origin"] == "published") & (series["region"] == REGION)
                       & (series["sex"] == "all") & series["level"].isin(LEVELS)
                       & series["canonical"]]
usable = an.drop_short_series(published, min_obs=3)
print("not modelled (fewer than 3 values):", "; ".join(usable.attrs["dropped"]) or "none")

# %% [markdown]
# ## On current trends

# %%
when = an.when_reached(usable, targets, target=TARGET, seed=SEED, n_paths=N_PATHS)
when[["level", "indicator", "last_year", "last_share", "trend_pp_per_year", "reach_40",
      "own_target", "own_target_year", "reach_own", "note"]].round(3)

# %%
for r in when.itertuples(index=False):
    own = "" if pd.isna(r.own_target) else f"; its ambition {r.own_target:.0%}: {r.reach_own}"
    print(f"{r.level}: now {r.last_share:.0%} ({r.last_year}/{(r.last_year + 1) % 100}); "
          f"{TARGET:.0%} reached: {r.reach_40}{own}")

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
pace = years_to_target(usable, PACE, None, TARGET, base="last", seed=SEED, n_paths=N_PATHS)
pace["reached"] = [an.format_year_range(r.first_year, r.first_year_lo, r.first_year_hi,
                                        already=r.last_share >= TARGET)
                   for r in pace.itertuples(index=False)]
pace[["level", "last_year", "last_share", "reached", "note"]].round(3)

# %%
for r in pace.itertuples(index=False):
    print(f"{r.level} at +{PACE:g} point/year, {TARGET:.0%} reached: {r.reached}")

# %%
fc = tp.forecast(usable.loc[usable["level"].isin(["mbo", "hbo", "wo"])], until=2035, seed=SEED,
                 n_paths=N_PATHS)
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), layout="constrained", sharey=True)
for i, (ax, level) in enumerate(zip(axes, ["mbo", "hbo", "wo"], strict=True)):
    tp.plot_forecast(usable.loc[usable["level"] == level], fc.loc[fc["level"] == level],
                     target=TARGET, ax=ax, title=f"{level}: forecast to 2035",
                     source="Source: Techniekpact monitor and related published figures. "
                            "Bands: 80% and 95% prediction intervals." if i == 0 else " ")
fig.suptitle("Intake levels on current trends (default model)", fontweight="bold")
fig.get_layout_engine().set(rect=(0, 0.05, 1, 0.95))  # room for the source line
an.show(fig)

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
