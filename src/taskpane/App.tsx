import {
  Button,
  FluentProvider,
  Text,
  makeStyles,
  tokens,
  webLightTheme,
} from "@fluentui/react-components";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
  },
  actions: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalS,
  },
});

/** The pane's actions; they are wired to the engine in later issues. */
const ACTIONS: ReadonlyArray<{ id: string; zh: string; en: string }> = [
  { id: "validate", zh: "校验", en: "Validate" },
  { id: "applyTags", zh: "应用标签", en: "Apply tags" },
  { id: "highlightRisk", zh: "标记流失风险", en: "Highlight churn risk" },
  { id: "buildReview", zh: "生成复盘", en: "Build review" },
];

export function App(): JSX.Element {
  const styles = useStyles();
  return (
    <FluentProvider theme={webLightTheme}>
      <main className={styles.root}>
        <header>
          <Text as="h1" size={600} weight="semibold" block>
            CRM 工作台
          </Text>
          <Text as="p" size={300} block>
            CRM Workbench
          </Text>
        </header>
        <div className={styles.actions}>
          {ACTIONS.map((a) => (
            <Button key={a.id} disabled>
              {a.zh} / {a.en}
            </Button>
          ))}
        </div>
        <Text as="p" size={200} italic>
          即将推出 / coming soon
        </Text>
      </main>
    </FluentProvider>
  );
}
