SELECT substr('Hello', 0, 3), substr(Country, 0, 2) FROM sales WHERE TransactionNo = '581493' AND ProductNo = '20718'
