SELECT TransactionNo, any_value(Country), any_value(CustomerNo), count(*) FROM sales WHERE Country <> 'United Kingdom' GROUP BY TransactionNo
