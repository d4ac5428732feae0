//! Batch pipelining shared by the passes: while the worker threads process batch k in
//! parallel, one thread fetches batch k+1 (reading a spill file or an input) and another folds
//! the results of batch k-1 into the pass's state (spill writes, counters, output files). The
//! sequential parts of a pass then overlap its parallel part instead of leaving the workers
//! idle; results are still folded one batch at a time, in input order, so outputs do not
//! depend on timing or thread count.

use anyhow::{anyhow, Result};
use std::sync::mpsc::sync_channel;

/// Batches fetched ahead of the one being processed.
const AHEAD: usize = 2;

/// Runs `process` on every batch `fetch` yields (on the calling thread, which should spread
/// the work over the rayon pool) and `fold` on every result, in order, on a thread of its own.
/// `fetch` also runs on a thread of its own. The first error stops all three and is returned.
pub fn pipelined<B, R>(
    fetch: impl Iterator<Item = Result<B>> + Send,
    mut process: impl FnMut(B) -> Result<R>,
    mut fold: impl FnMut(R) -> Result<()> + Send,
) -> Result<()>
where
    B: Send,
    R: Send,
{
    std::thread::scope(|scope| {
        let (batch_tx, batch_rx) = sync_channel::<Result<B>>(AHEAD);
        let (result_tx, result_rx) = sync_channel::<R>(1);
        scope.spawn(move || {
            for batch in fetch {
                let failed = batch.is_err();
                if batch_tx.send(batch).is_err() || failed {
                    return;
                }
            }
        });
        let folder = scope.spawn(move || -> Result<()> {
            for result in result_rx {
                fold(result)?;
            }
            Ok(())
        });
        let mut outcome = Ok(());
        for batch in batch_rx {
            match batch.and_then(&mut process) {
                Ok(result) => {
                    // A closed channel means the folder failed; its error is reported below.
                    if result_tx.send(result).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        drop(result_tx);
        let folded = folder
            .join()
            .map_err(|_| anyhow!("a pipeline thread panicked"))?;
        outcome.and(folded)
    })
}

/// Groups an iterator's items into batches of `size` (the last may be shorter), passing
/// errors through as they come.
pub fn chunked<T>(
    mut items: impl Iterator<Item = Result<T>>,
    size: usize,
) -> impl Iterator<Item = Result<Vec<T>>> {
    let size = size.max(1);
    std::iter::from_fn(move || {
        let mut batch = Vec::with_capacity(size);
        for item in items.by_ref() {
            match item {
                Ok(x) => batch.push(x),
                Err(e) => return Some(Err(e)),
            }
            if batch.len() == size {
                break;
            }
        }
        (!batch.is_empty()).then_some(Ok(batch))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_folded_in_order() {
        let mut seen = Vec::new();
        pipelined(
            (0..100).map(Ok),
            |b: i32| Ok(b * 2),
            |r| {
                seen.push(r);
                Ok(())
            },
        )
        .expect("run");
        assert_eq!(seen, (0..100).map(|b| b * 2).collect::<Vec<_>>());
    }

    #[test]
    fn the_first_error_of_any_stage_is_returned() {
        let fetch = (0..10).map(|b| {
            if b == 7 {
                Err(anyhow!("bad batch"))
            } else {
                Ok(b)
            }
        });
        let err = pipelined(fetch, Ok, |_: i32| Ok(())).expect_err("fetch error");
        assert!(err.to_string().contains("bad batch"));
        let err = pipelined(
            (0..10).map(Ok),
            |b: i32| {
                if b == 3 {
                    Err(anyhow!("bad work"))
                } else {
                    Ok(b)
                }
            },
            |_| Ok(()),
        )
        .expect_err("process error");
        assert!(err.to_string().contains("bad work"));
        let err = pipelined(
            (0..1000).map(Ok),
            |b: i32| Ok(b),
            |r| {
                if r == 5 {
                    Err(anyhow!("bad fold"))
                } else {
                    Ok(())
                }
            },
        )
        .expect_err("fold error");
        assert!(err.to_string().contains("bad fold"));
    }

    #[test]
    fn chunks_keep_order_and_pass_errors() {
        let v: Vec<Vec<i32>> = chunked((0..7).map(Ok), 3)
            .collect::<Result<_>>()
            .expect("chunks");
        assert_eq!(v, vec![vec![0, 1, 2], vec![3, 4, 5], vec![6]]);
        let mut it = chunked([Ok(1), Err(anyhow!("x")), Ok(2)].into_iter(), 5);
        assert!(it.next().expect("item").is_err());
    }
}
