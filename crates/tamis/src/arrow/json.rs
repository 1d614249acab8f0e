//! Any Arrow column as JSON values, one per row: how columns of tables tamis did not write (pyarrow,
//! polars, other tools' Parquet) reach a document's metadata.
//!
//! Numbers stay numbers (a non-finite float becomes `null`), strings and dictionary-encoded strings
//! become strings, binary becomes lossy UTF-8, dates and times become ISO 8601 strings, decimals
//! their exact decimal string, durations an integer in their unit; lists, structs and maps nest.
//! Other types (intervals, unions, run-end encoded, list views) are an error naming the type.

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::*;
use arrow_schema::{DataType, TimeUnit};
use serde_json::Value;
use std::ops::Range;

/// The values of `array`, one per row; a null row is `Value::Null`. With `skip_null_fields`, a null
/// struct field is left out of its object (how the typed columns say "this key was absent").
pub(super) fn column(array: &dyn Array, skip_null_fields: bool) -> Result<Vec<Value>, String> {
    use DataType::*;
    match array.data_type() {
        Null => Ok(vec![Value::Null; array.len()]),
        Boolean => each(array, |a: &BooleanArray, i| a.value(i).into()),
        Int8 => each(array, |a: &Int8Array, i| a.value(i).into()),
        Int16 => each(array, |a: &Int16Array, i| a.value(i).into()),
        Int32 => each(array, |a: &Int32Array, i| a.value(i).into()),
        Int64 => each(array, |a: &Int64Array, i| a.value(i).into()),
        UInt8 => each(array, |a: &UInt8Array, i| a.value(i).into()),
        UInt16 => each(array, |a: &UInt16Array, i| a.value(i).into()),
        UInt32 => each(array, |a: &UInt32Array, i| a.value(i).into()),
        UInt64 => each(array, |a: &UInt64Array, i| a.value(i).into()),
        Float16 => each(array, |a: &Float16Array, i| f64::from(a.value(i)).into()),
        Float32 => each(array, |a: &Float32Array, i| a.value(i).into()),
        Float64 => each(array, |a: &Float64Array, i| a.value(i).into()),
        Utf8 => each(array, |a: &StringArray, i| a.value(i).into()),
        LargeUtf8 => each(array, |a: &LargeStringArray, i| a.value(i).into()),
        Utf8View => each(array, |a: &StringViewArray, i| a.value(i).into()),
        Binary => each(array, |a: &BinaryArray, i| lossy(a.value(i))),
        LargeBinary => each(array, |a: &LargeBinaryArray, i| lossy(a.value(i))),
        BinaryView => each(array, |a: &BinaryViewArray, i| lossy(a.value(i))),
        FixedSizeBinary(_) => each(array, |a: &FixedSizeBinaryArray, i| lossy(a.value(i))),
        Date32 => each(array, |a: &Date32Array, i| text(a.value_as_date(i))),
        Date64 => each(array, |a: &Date64Array, i| text(a.value_as_date(i))),
        Time32(TimeUnit::Second) => each(array, |a: &Time32SecondArray, i| text(a.value_as_time(i))),
        Time32(_) => each(array, |a: &Time32MillisecondArray, i| text(a.value_as_time(i))),
        Time64(TimeUnit::Microsecond) => each(array, |a: &Time64MicrosecondArray, i| text(a.value_as_time(i))),
        Time64(_) => each(array, |a: &Time64NanosecondArray, i| text(a.value_as_time(i))),
        Timestamp(unit, tz) => {
            // A timestamp with a time zone is a UTC instant: say so with `Z`.
            let zone = if tz.is_some() { "Z" } else { "" };
            match unit {
                TimeUnit::Second => each(array, |a: &TimestampSecondArray, i| iso(a, i, zone)),
                TimeUnit::Millisecond => each(array, |a: &TimestampMillisecondArray, i| iso(a, i, zone)),
                TimeUnit::Microsecond => each(array, |a: &TimestampMicrosecondArray, i| iso(a, i, zone)),
                TimeUnit::Nanosecond => each(array, |a: &TimestampNanosecondArray, i| iso(a, i, zone)),
            }
        }
        Duration(TimeUnit::Second) => each(array, |a: &DurationSecondArray, i| a.value(i).into()),
        Duration(TimeUnit::Millisecond) => each(array, |a: &DurationMillisecondArray, i| a.value(i).into()),
        Duration(TimeUnit::Microsecond) => each(array, |a: &DurationMicrosecondArray, i| a.value(i).into()),
        Duration(TimeUnit::Nanosecond) => each(array, |a: &DurationNanosecondArray, i| a.value(i).into()),
        Decimal32(..) => each(array, |a: &Decimal32Array, i| a.value_as_string(i).into()),
        Decimal64(..) => each(array, |a: &Decimal64Array, i| a.value_as_string(i).into()),
        Decimal128(..) => each(array, |a: &Decimal128Array, i| a.value_as_string(i).into()),
        Decimal256(..) => each(array, |a: &Decimal256Array, i| a.value_as_string(i).into()),
        List(_) => {
            let a = array.as_list_opt::<i32>().ok_or_else(|| mismatch(array))?;
            lists(array, column(a.values(), skip_null_fields)?, ranges(a.value_offsets()))
        }
        LargeList(_) => {
            let a = array.as_list_opt::<i64>().ok_or_else(|| mismatch(array))?;
            lists(array, column(a.values(), skip_null_fields)?, ranges(a.value_offsets()))
        }
        FixedSizeList(..) => {
            let a = array.as_fixed_size_list_opt().ok_or_else(|| mismatch(array))?;
            let size = usize::try_from(a.value_length()).unwrap_or_default();
            let starts = (0..a.len()).map(|i| usize::try_from(a.value_offset(i)).unwrap_or_default());
            let ranges = starts.map(|s| s..s + size);
            lists(array, column(a.values(), skip_null_fields)?, ranges.collect())
        }
        Struct(_) => {
            let a = array.as_struct_opt().ok_or_else(|| mismatch(array))?;
            let mut fields = Vec::with_capacity(a.num_columns());
            for (name, child) in a.column_names().into_iter().zip(a.columns()) {
                fields.push((name, column(child, skip_null_fields)?));
            }
            Ok(rows(array, |i| {
                let mut object = serde_json::Map::new();
                for (name, values) in &mut fields {
                    let v = take(values, i);
                    if !(skip_null_fields && v.is_null()) {
                        object.insert((*name).to_string(), v);
                    }
                }
                Value::Object(object)
            }))
        }
        Map(..) => {
            let a = array.as_map_opt().ok_or_else(|| mismatch(array))?;
            let mut keys = column(a.keys(), skip_null_fields)?;
            let mut values = column(a.values(), skip_null_fields)?;
            let ranges = ranges(a.value_offsets());
            Ok(rows(array, |i| {
                let range = ranges.get(i).cloned().unwrap_or_default();
                let object = range
                    .map(|j| {
                        let key = match take(&mut keys, j) {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        (key, take(&mut values, j))
                    })
                    .collect();
                Value::Object(object)
            }))
        }
        Dictionary(..) => {
            let a = array.as_any_dictionary_opt().ok_or_else(|| mismatch(array))?;
            let values = column(a.values(), skip_null_fields)?;
            let keys = a.normalized_keys();
            Ok(rows(array, |i| {
                keys.get(i).and_then(|&k| values.get(k)).cloned().unwrap_or(Value::Null)
            }))
        }
        other => Err(format!("Arrow type {other} is not supported")),
    }
}

/// One value per row of a downcast array, `Null` for null rows.
fn each<T: 'static>(array: &dyn Array, value: impl Fn(&T, usize) -> Value) -> Result<Vec<Value>, String> {
    let typed = array.as_any().downcast_ref::<T>().ok_or_else(|| mismatch(array))?;
    Ok(rows(array, |i| value(typed, i)))
}

/// `value(i)` for each non-null row `i`, `Null` for null rows.
fn rows(array: &dyn Array, mut value: impl FnMut(usize) -> Value) -> Vec<Value> {
    (0..array.len())
        .map(|i| if array.is_null(i) { Value::Null } else { value(i) })
        .collect()
}

/// The child ranges of a list array's rows, from its offsets.
fn ranges<O: OffsetSizeTrait>(offsets: &[O]) -> Vec<Range<usize>> {
    offsets.windows(2).map(|w| w[0].as_usize()..w[1].as_usize()).collect()
}

/// Rows of a list type: row `i` holds the child values in `ranges[i]` (moved out, not cloned).
fn lists(array: &dyn Array, mut values: Vec<Value>, ranges: Vec<Range<usize>>) -> Result<Vec<Value>, String> {
    Ok(rows(array, |i| {
        let items = ranges
            .get(i)
            .and_then(|r| values.get_mut(r.clone()))
            .unwrap_or_default();
        Value::Array(items.iter_mut().map(std::mem::take).collect())
    }))
}

/// Move value `i` out (a valid array has one per row; `Null` otherwise).
pub(super) fn take(values: &mut [Value], i: usize) -> Value {
    values.get_mut(i).map(std::mem::take).unwrap_or_default()
}

/// A timestamp as ISO 8601 (`zone` is `Z` or empty).
fn iso<T: ArrowTemporalType>(array: &PrimitiveArray<T>, i: usize, zone: &str) -> Value
where
    i64: From<T::Native>,
{
    match array.value_as_datetime(i) {
        Some(t) => format!("{}{zone}", t.format("%Y-%m-%dT%H:%M:%S%.f")).into(),
        None => Value::Null,
    }
}

fn lossy(bytes: &[u8]) -> Value {
    String::from_utf8_lossy(bytes).into_owned().into()
}

fn text(value: Option<impl std::fmt::Display>) -> Value {
    value.map_or(Value::Null, |v| v.to_string().into())
}

fn mismatch(array: &dyn Array) -> String {
    format!("array does not match its type {}", array.data_type())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::builder::{Int32Builder, ListBuilder, MapBuilder, StringBuilder};
    use arrow_schema::Field;
    use serde_json::json;
    use std::sync::Arc;

    fn values(array: &dyn Array) -> Vec<Value> {
        column(array, false).unwrap()
    }

    #[test]
    fn scalars_convert_like_json() {
        let ts = TimestampMillisecondArray::from(vec![Some(1_700_000_000_123), None]).with_timezone("+02:00");
        assert_eq!(values(&ts), [json!("2023-11-14T22:13:20.123Z"), Value::Null]);
        let naive = TimestampSecondArray::from(vec![0]);
        assert_eq!(values(&naive), [json!("1970-01-01T00:00:00")]);
        assert_eq!(values(&Date32Array::from(vec![19_000])), [json!("2022-01-08")]);
        let decimal = Decimal128Array::from(vec![12_345])
            .with_precision_and_scale(10, 2)
            .unwrap();
        assert_eq!(values(&decimal), [json!("123.45")]);
        assert_eq!(values(&BinaryArray::from(vec![&b"ab\xff"[..]])), [json!("ab\u{fffd}")]);
        assert_eq!(
            values(&Float64Array::from(vec![f64::NAN, 0.5])),
            [Value::Null, json!(0.5)]
        );
        assert_eq!(values(&UInt64Array::from(vec![u64::MAX])), [json!(u64::MAX)]);
        assert_eq!(values(&NullArray::new(2)), [Value::Null, Value::Null]);
    }

    #[test]
    fn nested_types_nest() {
        let mut list = ListBuilder::new(Int32Builder::new());
        list.append_value([Some(1), None]);
        list.append_null();
        list.append_value([]);
        assert_eq!(values(&list.finish()), [json!([1, null]), Value::Null, json!([])]);

        let mut map = MapBuilder::new(None, StringBuilder::new(), Int32Builder::new());
        map.keys().append_value("a");
        map.values().append_value(1);
        map.append(true).unwrap();
        assert_eq!(values(&map.finish()), [json!({"a": 1})]);

        let inner = Arc::new(Int32Array::from(vec![Some(1), None])) as ArrayRef;
        let s = StructArray::from(vec![(Arc::new(Field::new("n", DataType::Int32, true)), inner)]);
        assert_eq!(values(&s), [json!({"n": 1}), json!({"n": null})]);
        assert_eq!(column(&s, true).unwrap(), [json!({"n": 1}), json!({})]);

        // A sliced list keeps its own rows.
        let mut list = ListBuilder::new(StringBuilder::new());
        list.append_value([Some("x")]);
        list.append_value([Some("y"), Some("z")]);
        assert_eq!(values(&list.finish().slice(1, 1)), [json!(["y", "z"])]);
    }

    #[test]
    fn dictionaries_give_their_values() {
        let dict: DictionaryArray<Int8Type> = vec![Some("b"), None, Some("a"), Some("b")].into_iter().collect();
        assert_eq!(values(&dict), [json!("b"), Value::Null, json!("a"), json!("b")]);
    }

    #[test]
    fn unsupported_types_are_named() {
        let interval = IntervalYearMonthArray::from(vec![1]);
        assert!(column(&interval, false).unwrap_err().contains("Interval"));
    }
}
